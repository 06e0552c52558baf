//! What a panel offers plans to choose from, as read from it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One thing a plan may choose on a panel: an inbound, a squad, a group…
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    /// What a plan names and the panel is sent: a tag, a UUID, an id.
    pub value: String,
    /// What admins call it (a squad's name; an inbound's tag).
    pub label: String,
    /// A detail worth showing beside it (a protocol, `3 inbounds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Why choosing it would serve nothing (a squad without inbounds), or
    /// `None` when it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unusable: Option<String>,
}

impl CatalogEntry {
    /// An entry whose label is its value.
    pub fn plain(value: impl Into<String>) -> Self {
        let value = value.into();
        Self { label: value.clone(), value, detail: None, unusable: None }
    }
}

/// Per option field (`squads`, `inbounds`, …), what the panel has.
/// Stored as JSON in `panels.catalog`; a cache, so migrations that change
/// its shape clear it and the next read refills it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelCatalog(pub BTreeMap<String, Vec<CatalogEntry>>);

impl PanelCatalog {
    /// The entries of `field` (none when the panel offers none).
    pub fn entries(&self, field: &str) -> &[CatalogEntry] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// The entry of `field` whose value is `value`.
    pub fn find(&self, field: &str, value: &str) -> Option<&CatalogEntry> {
        self.entries(field).iter().find(|e| e.value == value)
    }

    /// `field`'s entries for error texts: `Default-Squad (3a9c…), …`.
    pub fn list(&self, field: &str) -> String {
        let items: Vec<String> = self
            .entries(field)
            .iter()
            .map(|e| if e.label == e.value { e.value.clone() } else { format!("{} ({})", e.label, e.value) })
            .collect();
        if items.is_empty() { "none".to_owned() } else { items.join(", ") }
    }
}
