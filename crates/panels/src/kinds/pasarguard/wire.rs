//! What PasarGuard's users API says differently from Marzban's (read from
//! PasarGuard `app/models/user.py`, `app/routers/user.py` and the panel
//! kit's transcript of the real 5.2.1):
//!
//! * no `proxies` or `inbounds`: a user gets inbounds through `group_ids`,
//!   which a create may omit — the user is then made, with an empty
//!   subscription — while `null` or `[]` is a 422;
//! * `hwid_limit` caps a user's devices (`null` = the panel's default);
//! * `expire` is sent as unix seconds and answered as an ISO string;
//! * create answers 201, delete 204 with an empty body;
//! * `GET /api/groups` lists `{"groups": [{id, name, inbound_tags, is_disabled}], "total"}`.

use super::GROUPS;
use crate::http::as_i64;
use crate::{Access, PanelCatalog, PanelError, PlanOptions, UserSpec};
use bazar_domain::{CatalogEntry, Choice};
use serde_json::{Map, Value};

/// The group ids a plan chose, checked against the panel's groups (`all`:
/// every usable one).
pub(crate) fn chosen_groups(options: &PlanOptions, catalog: &PanelCatalog) -> Result<Vec<i64>, PanelError> {
    let usable = || catalog.entries(GROUPS.key).iter().filter(|e| e.unusable.is_none());
    let ids: Vec<String> = match options.get(GROUPS.key) {
        Some(Choice::All) => usable().map(|e| e.value.clone()).collect(),
        Some(Choice::Values(values)) if !values.is_empty() => {
            if let Some(gone) = values.iter().find(|v| catalog.find(GROUPS.key, v).is_none()) {
                return Err(PanelError::Rejected(format!("the panel has no group {gone} any more")));
            }
            values.clone()
        }
        _ => {
            return Err(PanelError::Rejected(
                "the plan chooses no PasarGuard groups: its users would get an empty subscription (set `--option groups=…`)".into(),
            ));
        }
    };
    if ids.is_empty() {
        return Err(PanelError::Rejected("the panel has no usable group to give the user".into()));
    }
    ids.iter()
        .map(|id| id.parse().map_err(|_| PanelError::Rejected(format!("group `{id}` is not a group id"))))
        .collect()
}

/// The fields a create and a modify both send.
pub(crate) fn user_fields(spec: &UserSpec, groups: &[i64], body: &mut Map<String, Value>) {
    body.insert("group_ids".into(), groups.to_vec().into());
    body.insert("hwid_limit".into(), spec.device_limit.map_or(Value::Null, Value::from));
}

/// The catalog: every group, by id; one without inbounds or switched off serves nothing.
pub(crate) fn catalog(answer: &Value, what: &str) -> Result<PanelCatalog, PanelError> {
    let groups = answer
        .get("groups")
        .and_then(Value::as_array)
        .ok_or_else(|| PanelError::Protocol(format!("{what}: the answer has no `groups`")))?;
    let entries = groups
        .iter()
        .map(|group| {
            let id = group
                .get("id")
                .and_then(as_i64)
                .ok_or_else(|| PanelError::Protocol(format!("{what}: a group has no `id`")))?;
            let inbounds = group.get("inbound_tags").and_then(Value::as_array).map_or(0, Vec::len);
            let unusable = if group.get("is_disabled").and_then(Value::as_bool) == Some(true) {
                Some("is switched off in the panel".to_owned())
            } else if inbounds == 0 {
                Some("holds no inbounds".to_owned())
            } else {
                None
            };
            let name = group.get("name").and_then(Value::as_str).unwrap_or_default();
            Ok(CatalogEntry {
                value: id.to_string(),
                label: if name.is_empty() { format!("group {id}") } else { name.to_owned() },
                detail: Some(format!("{inbounds} inbounds")),
                unusable,
            })
        })
        .collect::<Result<Vec<_>, PanelError>>()?;
    Ok(PanelCatalog([(GROUPS.key.to_owned(), entries)].into()))
}

/// Whether a user has anything to connect to: a group.
pub(crate) fn access(user: &Value) -> Access {
    let groups = user.get("group_ids").and_then(Value::as_array).map_or(0, Vec::len);
    if groups > 0 {
        Access::Connects
    } else {
        Access::Nothing("the user is in no group, so its subscription is empty".into())
    }
}
