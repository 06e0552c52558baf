//! Where the shop's objects stand: the statuses of payments, subscriptions
//! and tickets, how a payment is paid, and why money moved. Pure types: the
//! store maps them to their stored spellings (`as_str` / `parse`), and the
//! interfaces give each a text in the person's language — none of these
//! spellings is shown to a person.

/// How a payment is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    /// Bank card-to-card transfer with a receipt an admin approves.
    Card,
    /// The Zarinpal gateway.
    Zarinpal,
    /// Telegram Stars.
    Stars,
}

impl PaymentMethod {
    /// Every method, in display order.
    pub const ALL: [PaymentMethod; 3] = [Self::Card, Self::Zarinpal, Self::Stars];

    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Card => "card",
            Self::Zarinpal => "zarinpal",
            Self::Stars => "stars",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentStatus {
    /// Created; waiting for the customer to pay (or send a receipt).
    Pending,
    /// Card-to-card: the receipt is in; waiting for an admin.
    Submitted,
    /// Credited to the wallet.
    Paid,
    /// Card-to-card: an admin refused it.
    Rejected,
    /// Nobody paid in time.
    Expired,
    /// The gateway says it was not paid (cancelled, failed).
    Failed,
    /// Paid, then given back (Stars refunds).
    Refunded,
}

impl PaymentStatus {
    /// Every status.
    pub const ALL: [PaymentStatus; 7] =
        [Self::Pending, Self::Submitted, Self::Paid, Self::Rejected, Self::Expired, Self::Failed, Self::Refunded];

    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Submitted => "submitted",
            Self::Paid => "paid",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::Refunded => "refunded",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether the payment may still be paid, submitted or decided.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Submitted)
    }
}

/// Where a subscription is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    /// Paid; the panel user is being created (a retried job).
    Provisioning,
    /// Live on the panel.
    Active,
    /// Past its end.
    Expired,
    /// Switched off by an admin.
    Disabled,
    /// Could not be provisioned; the payment was refunded.
    Failed,
}

impl SubscriptionStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Provisioning => "provisioning",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Disabled => "disabled",
            Self::Failed => "failed",
        }
    }

    /// Every status, in the order of a subscription's life.
    pub const ALL: [SubscriptionStatus; 5] =
        [Self::Provisioning, Self::Active, Self::Expired, Self::Disabled, Self::Failed];

    /// The status with this stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A ticket's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    /// Waiting for the admins.
    Open,
    /// The admins answered; waiting for the customer.
    Answered,
    /// Done.
    Closed,
}

impl TicketStatus {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    /// Parses the stored spelling (`open`, `answered`, `closed`).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Answered, Self::Closed].into_iter().find(|v| v.as_str() == s)
    }
}

/// Why money moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A manual correction by an admin or the operator (with a reason).
    Adjustment,
    /// Money paid in (card-to-card, gateway, Stars).
    TopUp,
    /// A plan bought from the wallet (negative).
    Purchase,
    /// Money returned: into the wallet (a subscription that could not be
    /// provisioned), or out of it (a Stars payment refunded; negative).
    Refund,
    /// A referrer's share of a referee's purchase.
    ReferralReward,
    /// A promo code's wallet bonus.
    PromoBonus,
}

impl EntryKind {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Adjustment => "adjustment",
            Self::TopUp => "topup",
            Self::Purchase => "purchase",
            Self::Refund => "refund",
            Self::ReferralReward => "referral_reward",
            Self::PromoBonus => "promo_bonus",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Adjustment, Self::TopUp, Self::Purchase, Self::Refund, Self::ReferralReward, Self::PromoBonus]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}
