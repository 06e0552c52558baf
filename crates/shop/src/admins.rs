//! A shop's admins: adding one within the platform's `max_admins`, the one
//! rule for the CLI, the REST API and the admin menus.

use bazar_domain::{ConfigKey, ConfigValue, TelegramUserId};
use bazar_store::{Admin, StoreError, TenantSettings, TenantTx};

/// What adding an admin did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAdded {
    /// Added now.
    Added(Admin),
    /// Was an admin already (its permission set as asked).
    Already(Admin),
}

/// Why an admin was not added. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AdminRefusal {
    /// Not a Telegram user id.
    #[error("a Telegram user id is a positive number")]
    BadId,
    /// The shop has as many admins as the platform allows.
    #[error("this shop may have at most {max} admins (max_admins); remove one first")]
    TooMany {
        /// The platform's `max_admins` for this shop.
        max: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The platform's cap on this shop's admins.
pub fn max_admins(settings: &TenantSettings) -> i64 {
    match settings.config(ConfigKey::MaxAdmins) {
        ConfigValue::Int(n) => *n,
        // `max_admins` is an integer key; its default is 10.
        _ => 10,
    }
}

/// Makes `telegram_id` an admin of the shop (with `can_manage_admins`),
/// within `max_admins`; someone who is one already keeps their place.
pub async fn add(
    tx: &mut TenantTx,
    settings: &TenantSettings,
    telegram_id: i64,
    can_manage_admins: bool,
) -> Result<AdminAdded, AdminRefusal> {
    if telegram_id <= 0 {
        return Err(AdminRefusal::BadId);
    }
    let id = TelegramUserId::from_raw(telegram_id);
    let already = tx.admin(id).await?.is_some();
    let max = max_admins(settings);
    if !already && tx.admins().await?.len() as i64 >= max {
        return Err(AdminRefusal::TooMany { max });
    }
    tx.add_admin(id, can_manage_admins).await?;
    let admin = tx.admin(id).await?.ok_or(StoreError::Corrupt("an admin vanished".into()))?;
    Ok(if already { AdminAdded::Already(admin) } else { AdminAdded::Added(admin) })
}
