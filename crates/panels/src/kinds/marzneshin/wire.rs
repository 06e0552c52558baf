//! What Marzneshin's users API says differently from Marzban's (read from
//! Marzneshin `app/models/user.py` and `app/routes/user.py`):
//!
//! * the login is `POST /api/admins/token`, users live under `/api/users`;
//! * a user gets inbounds through `service_ids` (`GET /api/services` lists
//!   them as a page: `{"items": [{id, name, inbound_ids}]}`);
//! * expiry is an `expire_strategy` (`never`, `fixed_date` with an ISO
//!   `expire_date`, `start_on_first_use` with `usage_duration`); every PUT
//!   must carry `username` and `expire_strategy` again (its model extends
//!   the create model);
//! * there is no `status`: a user is `enabled` or not (changed through
//!   `POST …/enable` and `…/disable`, 409 when already so), and `expired`,
//!   `data_limit_reached` say the rest; there is no device limit;
//! * links are `{prefix}/sub/{username}/{key}`, relative with no prefix.

use super::SERVICES;
use crate::http::as_i64;
use crate::time::{parse_rfc3339, to_rfc3339};
use crate::{Access, PanelCatalog, PanelError, PanelUserStatus, PlanOptions};
use bazar_domain::{CatalogEntry, Choice};
use serde_json::{Map, Value};

/// The service ids a plan chose, checked against the panel's services (`all`: every usable one).
pub(crate) fn chosen_services(options: &PlanOptions, catalog: &PanelCatalog) -> Result<Vec<i64>, PanelError> {
    let ids: Vec<String> = match options.get(SERVICES.key) {
        Some(Choice::All) => {
            catalog.entries(SERVICES.key).iter().filter(|e| e.unusable.is_none()).map(|e| e.value.clone()).collect()
        }
        Some(Choice::Values(values)) if !values.is_empty() => {
            if let Some(gone) = values.iter().find(|v| catalog.find(SERVICES.key, v).is_none()) {
                return Err(PanelError::Rejected(format!("the panel has no service {gone} any more")));
            }
            values.clone()
        }
        _ => {
            return Err(PanelError::Rejected(
                "the plan chooses no Marzneshin services: its users would get nothing (set `--option services=…`)"
                    .into(),
            ));
        }
    };
    if ids.is_empty() {
        return Err(PanelError::Rejected("the panel has no usable service to give the user".into()));
    }
    ids.iter()
        .map(|id| id.parse().map_err(|_| PanelError::Rejected(format!("service `{id}` is not a service id"))))
        .collect()
}

/// A fixed expiry as Marzneshin takes it.
pub(crate) fn expiry(expire_at: i64, body: &mut Map<String, Value>) -> Result<(), PanelError> {
    let date = to_rfc3339(expire_at.max(1))
        .ok_or_else(|| PanelError::Rejected("the expiry is outside the years 0000-9999".into()))?;
    body.insert("expire_strategy".into(), "fixed_date".into());
    body.insert("expire_date".into(), date.into());
    Ok(())
}

/// What a PUT must repeat from the current user: its name and expiry strategy.
pub(crate) fn carry_over(current: &Value, body: &mut Map<String, Value>) {
    for key in ["username", "expire_strategy", "expire_date", "usage_duration"] {
        if let Some(value) = current.get(key) {
            body.entry(key.to_owned()).or_insert_with(|| value.clone());
        }
    }
}

/// The user's state from `enabled`, `expired` and `data_limit_reached`.
pub(crate) fn status(user: &Value) -> Option<PanelUserStatus> {
    let flag = |key: &str| user.get(key).and_then(Value::as_bool);
    Some(if !flag("enabled")? {
        PanelUserStatus::Disabled
    } else if flag("expired") == Some(true) {
        PanelUserStatus::Expired
    } else if flag("data_limit_reached") == Some(true) {
        PanelUserStatus::Limited
    } else {
        PanelUserStatus::Active
    })
}

/// The expiry: the fixed date, or none (never, or not started yet).
pub(crate) fn expire_at(user: &Value) -> Option<i64> {
    user.get("expire_date").and_then(Value::as_str).and_then(parse_rfc3339)
}

/// The catalog: every service, by id; one without inbounds serves nothing.
pub(crate) fn catalog(answer: &Value, what: &str) -> Result<PanelCatalog, PanelError> {
    let items = answer
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| PanelError::Protocol(format!("{what}: the answer has no `items`")))?;
    let entries = items
        .iter()
        .map(|service| {
            let id = service
                .get("id")
                .and_then(as_i64)
                .ok_or_else(|| PanelError::Protocol(format!("{what}: a service has no `id`")))?;
            let inbounds = service.get("inbound_ids").and_then(Value::as_array).map_or(0, Vec::len);
            let name = service.get("name").and_then(Value::as_str).unwrap_or_default();
            Ok(CatalogEntry {
                value: id.to_string(),
                label: if name.is_empty() { format!("service {id}") } else { name.to_owned() },
                detail: Some(format!("{inbounds} inbounds")),
                unusable: (inbounds == 0).then(|| "holds no inbounds".to_owned()),
            })
        })
        .collect::<Result<Vec<_>, PanelError>>()?;
    Ok(PanelCatalog([(SERVICES.key.to_owned(), entries)].into()))
}

/// Whether a user has anything to connect to: a service.
pub(crate) fn access(user: &Value) -> Access {
    match user.get("service_ids").and_then(Value::as_array).map_or(0, Vec::len) {
        0 => Access::Nothing("the user has no service, so its subscription is empty".into()),
        _ => Access::Connects,
    }
}
