//! The values a Zarinpal call takes and returns.

use crate::InvalidValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::str::FromStr;

/// A merchant's id at Zarinpal (the "merchant code" of a terminal): a UUID
/// such as `1344b5d4-0048-11e8-94db-005056a205be`. Whoever knows it can open
/// payments in the merchant's name and list its payments, so it is kept as a
/// secret: `Debug` prints `MerchantId(***)` and there is no `Display`.
#[derive(Clone)]
pub struct MerchantId(SecretString);

impl MerchantId {
    /// Accepts exactly a 36-character UUID (8-4-4-4-12 hex digits, either
    /// case), with nothing around it.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let groups: Vec<&str> = text.split('-').collect();
        let well_formed = text.len() == 36
            && groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()));
        if well_formed { Ok(Self(SecretString::from(text))) } else { Err(InvalidValue::MerchantId) }
    }

    /// The id itself, to put in a request body.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for MerchantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MerchantId(***)")
    }
}

impl FromStr for MerchantId {
    type Err = InvalidValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Zarinpal's id for one payment session, e.g. `A00000000000000000000000000217885159`
/// (36 characters, `A` in production, `S` in the sandbox). It comes back in
/// the callback's query string, so it is checked before use: 1 to 64 ASCII
/// letters and digits (the documented shape is 36; the margin tolerates a
/// future change without accepting anything that needs escaping).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Authority(String);

impl Authority {
    /// Longest authority accepted.
    pub const MAX_LEN: usize = 64;

    /// Accepts 1 to [`Self::MAX_LEN`] ASCII letters and digits.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let valid = !text.is_empty() && text.len() <= Self::MAX_LEN && text.bytes().all(|b| b.is_ascii_alphanumeric());
        if valid { Ok(Self(text.to_owned())) } else { Err(InvalidValue::Authority) }
    }

    /// The authority as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Authority {
    type Err = InvalidValue;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// The unit of an amount. Zarinpal assumes rials when none is sent; this
/// client always sends one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Iranian rial (`IRR`).
    Irr,
    /// Iranian toman (`IRT`), 10 rials.
    Irt,
}

impl Currency {
    /// The code Zarinpal uses: `IRR` or `IRT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Irr => "IRR",
            Self::Irt => "IRT",
        }
    }

    /// Reads `IRR` or `IRT` (either case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "IRR" => Some(Self::Irr),
            "IRT" => Some(Self::Irt),
            _ => None,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payment to open ([`Zarinpal::request`](crate::Zarinpal::request)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// The amount, in `currency` units. Zarinpal refuses amounts under its
    /// minimum with code -9 (10,000 rials = 1,000 tomans in Zarinpal's
    /// current PHP SDK; 1,000 rials in older documentation).
    pub amount: i64,
    /// The unit of `amount`.
    pub currency: Currency,
    /// Shown to the customer on the gateway's page. Required by Zarinpal.
    pub description: String,
    /// Where the browser returns after paying or cancelling (http or https),
    /// with `Authority` and `Status` appended to its query.
    pub callback_url: url::Url,
    /// The customer's mobile number (`09xxxxxxxxx`), to prefill the gateway's form.
    pub mobile: Option<String>,
    /// The customer's email address.
    pub email: Option<String>,
    /// The shop's order number, shown in the merchant's Zarinpal panel.
    pub order_id: Option<String>,
}

/// A payment session opened by [`Zarinpal::request`](crate::Zarinpal::request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    /// The session's id: send the customer to its StartPay URL and keep it
    /// to verify the payment.
    pub authority: Authority,
    /// Zarinpal's fee for this payment, in the request's currency.
    pub fee: i64,
}

/// What [`Zarinpal::verify`](crate::Zarinpal::verify) learned about a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// The customer paid exactly the amount given, and the payment is now
    /// settled to the merchant (code 100), or was already (code 101).
    Paid {
        /// Zarinpal's reference number for the payment (shown to the customer).
        ref_id: i64,
        /// The paying card, masked (`502229******5995`), when Zarinpal says.
        card_pan: Option<String>,
        /// Zarinpal's fee.
        fee: i64,
        /// Code 101: an earlier verify already settled this payment (a retry,
        /// or the reconciliation job got there first).
        already_verified: bool,
    },
    /// The payment did not happen and will not: the customer cancelled or the
    /// bank refused (-51), or Zarinpal does not know the authority (-54).
    NotPaid {
        /// Zarinpal's code: -51 or -54.
        code: i64,
        /// Zarinpal's message.
        message: String,
    },
    /// The customer paid, but not the amount given (-50): verify with the
    /// amount of the request. Nothing was settled; someone should look.
    AmountMismatch,
}

impl Verification {
    /// Whether this is [`Self::Paid`].
    pub fn is_paid(&self) -> bool {
        matches!(self, Self::Paid { .. })
    }
}

/// A payment the customer completed but nobody verified yet
/// ([`Zarinpal::unverified`](crate::Zarinpal::unverified)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified {
    /// The session's id, to verify it.
    pub authority: Authority,
    /// The amount paid, as Zarinpal reports it.
    pub amount: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchant_ids_are_uuids_and_stay_hidden() {
        let id = "1344b5d4-0048-11e8-94db-005056a205be";
        let merchant = MerchantId::parse(id).unwrap();
        assert_eq!(merchant.expose(), id);
        assert_eq!(format!("{merchant:?}"), "MerchantId(***)");
        assert!(MerchantId::parse("1344B5D4-0048-11E8-94DB-005056A205BE").is_ok());
        for bad in [
            "",
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "1344b5d4004811e894db005056a205be",
            " 1344b5d4-0048-11e8-94db-005056a205be",
            "1344b5d4-0048-11e8-94db-005056a205be\n",
            "1344b5d4-0048-11e8-94db-005056a205bef",
            "1344b5d40-048-11e8-94db-005056a205be",
            "1344b5d4-0048-11e8-94db-005056a205b=",
        ] {
            let err = MerchantId::parse(bad).unwrap_err();
            assert_eq!(err, InvalidValue::MerchantId, "{bad:?}");
            if !bad.is_empty() {
                assert!(!err.to_string().contains(bad.trim()));
            }
        }
    }

    #[test]
    fn authorities_are_short_alphanumerics() {
        let a = Authority::parse("A00000000000000000000000000217885159").unwrap();
        assert_eq!(a.as_str(), "A00000000000000000000000000217885159");
        assert_eq!(a.to_string(), a.as_str());
        assert!(Authority::parse("A00000000000000000000000000009KBrVEj").is_ok());
        assert!(Authority::parse(&"A".repeat(64)).is_ok());
        for bad in ["", "A0000'--", "A 1", "A0/1", "A0%20", &"A".repeat(65), "Аuthority"] {
            assert_eq!(Authority::parse(bad), Err(InvalidValue::Authority), "{bad:?}");
        }
    }

    #[test]
    fn currencies_have_zarinpal_codes() {
        assert_eq!(Currency::Irr.as_str(), "IRR");
        assert_eq!(Currency::Irt.to_string(), "IRT");
        assert_eq!(Currency::parse("irt"), Some(Currency::Irt));
        assert_eq!(Currency::parse("USD"), None);
    }
}
