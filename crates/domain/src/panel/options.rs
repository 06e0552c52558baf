//! What a plan chooses on its panel, and the one check of it.
//!
//! Each kind declares its [`OptionField`]s (Remnawave `squads`, Marzban
//! `inbounds`, …). A plan keeps a [`Choice`] per field key; the CLI
//! (`--option KEY=VALUE`), the REST API (`options`) and the admin menus all
//! hand an [`OptionsChange`] to [`PlanOptions::checked`], so the same bad
//! input gets the same answer everywhere.

use super::catalog::PanelCatalog;
use super::kind::{Labels, PanelKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::str::FromStr;

/// The spelling of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueShape {
    /// A UUID, compared in lower case.
    Uuid,
    /// A positive whole number (an inbound id).
    Number,
    /// Any text (a tag, a name), compared as written.
    Text,
}

impl ValueShape {
    /// `value` in its canonical spelling, or `None` when it is not of this shape.
    fn normalize(self, value: &str) -> Option<String> {
        let value = value.trim();
        match self {
            Self::Uuid => is_uuid(value).then(|| value.to_ascii_lowercase()),
            Self::Number => value.parse::<u64>().ok().filter(|n| *n > 0).map(|n| n.to_string()),
            Self::Text => (!value.is_empty()).then(|| value.to_owned()),
        }
    }

    /// What a value must be, for error texts.
    pub fn expected(self) -> &'static str {
        match self {
            Self::Uuid => "UUID",
            Self::Number => "positive whole number",
            Self::Text => "non-empty text",
        }
    }
}

/// One thing a plan chooses on a panel of some kind: the kind's module
/// declares it; forms and checks are made from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionField {
    /// Its key (`squads`, `inbounds`): the CLI's `--option KEY=…`, the API's
    /// `options.KEY`, the stored plan's.
    pub key: &'static str,
    /// One of them, for texts: `internal squad`.
    pub singular: &'static str,
    /// Several, for texts: `internal squads`.
    pub plural: &'static str,
    /// The admin menu's title for it, per language.
    pub labels: Labels,
    /// What it does, for help texts and the API's documentation.
    pub help: &'static str,
    /// How its values are spelled.
    pub shape: ValueShape,
    /// `all` (every one the panel has) is a choice.
    pub all: bool,
    /// A plan is not sold on the kind until this is chosen.
    pub required: bool,
    /// At most one value.
    pub single: bool,
}

/// What a plan chose for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Every entry the panel has (stored as `"all"`).
    All,
    /// These values (stored as a list).
    Values(Vec<String>),
}

impl Choice {
    /// The values chosen; empty for [`Self::All`].
    pub fn values(&self) -> &[String] {
        match self {
            Self::All => &[],
            Self::Values(values) => values,
        }
    }

    /// Whether nothing is chosen.
    fn is_empty(&self) -> bool {
        matches!(self, Self::Values(v) if v.is_empty())
    }
}

impl FromStr for Choice {
    type Err = std::convert::Infallible;

    /// `all`, or a comma-separated list (empty: nothing).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        Ok(Self::Values(text.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()))
    }
}

impl Serialize for Choice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_str("all"),
            Self::Values(values) => values.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Choice {
    /// `"all"`, or a list of values.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Word(String),
            List(Vec<String>),
        }
        match Stored::deserialize(deserializer)? {
            Stored::Word(word) if word == "all" => Ok(Self::All),
            Stored::Word(other) => Err(serde::de::Error::custom(format!("`{other}` is neither \"all\" nor a list"))),
            Stored::List(values) => Ok(Self::Values(values)),
        }
    }
}

/// The panel-specific part of a plan: a [`Choice`] per field key.
///
/// A plan may carry the choices of several kinds (and move between panels):
/// each kind reads its own fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlanOptions(BTreeMap<String, Choice>);

impl PlanOptions {
    /// The choice for `key`.
    pub fn get(&self, key: &str) -> Option<&Choice> {
        self.0.get(key)
    }

    /// Every choice, by field key.
    pub fn choices(&self) -> &BTreeMap<String, Choice> {
        &self.0
    }

    /// These options with `key` chosen as `choice` (no check: tests and fixed setups).
    pub fn with(mut self, key: &str, choice: Choice) -> Self {
        self.0.insert(key.to_owned(), choice);
        self
    }

    /// These options with `change` applied and checked against what the
    /// panel of `kind` (whose fields are `fields`) offers: every named value
    /// must exist on it and serve, and each required field must be chosen.
    /// Every refused field is reported, each once.
    pub fn checked(
        self,
        change: OptionsChange,
        kind: &PanelKind,
        fields: &[OptionField],
        catalog: &PanelCatalog,
    ) -> Result<PlanOptions, Vec<OptionsError>> {
        let known = || match fields.iter().map(|f| f.key).collect::<Vec<_>>().join(", ") {
            none if none.is_empty() => "none: plans choose nothing on it".to_owned(),
            some => some,
        };
        let options = self.applied(change, |key| {
            fields.iter().find(|f| f.key == key).ok_or_else(|| OptionsError::UnknownField {
                field: key.to_owned(),
                kind: kind.to_string(),
                known: known(),
            })
        })?;
        let refused: Vec<OptionsError> =
            fields.iter().filter_map(|field| options.check_field(field, kind, catalog).err()).collect();
        if refused.is_empty() { Ok(options) } else { Err(refused) }
    }

    /// Applies `change` without a panel to check against (no panel serves the
    /// shop yet): each value is checked for the shape of the field of that
    /// key among `fields` (every registered kind's). [`Self::ready_for`] keeps
    /// such a plan off sale until the shop's panel's fields are chosen.
    pub fn unchecked(self, change: OptionsChange, fields: &[OptionField]) -> Result<PlanOptions, Vec<OptionsError>> {
        self.applied(change, |key| {
            fields.iter().find(|f| f.key == key).ok_or_else(|| OptionsError::NoSuchOption(key.to_owned()))
        })
    }

    /// Whether every required field of a kind (`fields`) is chosen — the
    /// check made without the panel, before selling (a plan made before its
    /// shop had a panel, or moved to another kind, stays off sale until it is).
    pub fn ready_for(&self, kind: &PanelKind, fields: &[OptionField]) -> Result<(), OptionsError> {
        match fields.iter().find(|f| f.required && self.get(f.key).is_none_or(Choice::is_empty)) {
            Some(field) => Err(missing(field, kind, "see `bazar panel options`".into())),
            None => Ok(()),
        }
    }

    fn applied<'f>(
        mut self,
        change: OptionsChange,
        field_of: impl Fn(&str) -> Result<&'f OptionField, OptionsError>,
    ) -> Result<PlanOptions, Vec<OptionsError>> {
        let mut refused = Vec::new();
        for (key, choice) in change.0 {
            match field_of(&key).and_then(|field| Ok((field, field.normalized(choice)?))) {
                Ok((field, Choice::Values(values))) if values.is_empty() => {
                    self.0.remove(field.key);
                }
                Ok((field, choice)) => {
                    self.0.insert(field.key.to_owned(), choice);
                }
                Err(e) => refused.push(e),
            }
        }
        if refused.is_empty() { Ok(self) } else { Err(refused) }
    }

    fn check_field(&self, field: &OptionField, kind: &PanelKind, catalog: &PanelCatalog) -> Result<(), OptionsError> {
        let entries = catalog.entries(field.key);
        if field.required && entries.is_empty() {
            return Err(OptionsError::CatalogEmpty { field: field.key.into(), plural: field.plural.into() });
        }
        let values = match self.get(field.key) {
            Some(Choice::All) => return Ok(()),
            Some(Choice::Values(values)) if !values.is_empty() => values,
            _ if field.required => return Err(missing(field, kind, catalog.list(field.key))),
            _ => return Ok(()),
        };
        let unknown: Vec<&str> =
            values.iter().filter(|v| catalog.find(field.key, v).is_none()).map(String::as_str).collect();
        if !unknown.is_empty() {
            return Err(OptionsError::Unknown {
                field: field.key.into(),
                singular: field.singular.into(),
                unknown: unknown.join(", "),
                available: catalog.list(field.key),
            });
        }
        let unusable: Vec<(&str, &str)> = values
            .iter()
            .filter_map(|v| catalog.find(field.key, v))
            .filter_map(|e| e.unusable.as_deref().map(|why| (e.label.as_str(), why)))
            .collect();
        if let Some((_, why)) = unusable.first() {
            return Err(OptionsError::Unusable {
                field: field.key.into(),
                singular: field.singular.into(),
                names: unusable.iter().map(|(name, _)| *name).collect::<Vec<_>>().join(", "),
                why: (*why).to_owned(),
            });
        }
        Ok(())
    }
}

fn missing(field: &OptionField, kind: &PanelKind, available: String) -> OptionsError {
    let how = if field.all {
        format!("`--option {}=all` for every one, or a comma-separated list", field.key)
    } else if field.single {
        format!("`--option {}=…`, one of them", field.key)
    } else {
        format!("`--option {}=…`, a comma-separated list", field.key)
    };
    OptionsError::Missing {
        field: field.key.into(),
        kind: kind.to_string(),
        plural: field.plural.into(),
        how,
        available,
    }
}

impl OptionField {
    /// `choice` in canonical spelling (trimmed, UUIDs in lower case, no
    /// repeats), or why it is not a choice for this field.
    fn normalized(&self, choice: Choice) -> Result<Choice, OptionsError> {
        let values = match choice {
            Choice::All if self.all => return Ok(Choice::All),
            Choice::All => {
                return Err(OptionsError::NotAll { field: self.key.into(), plural: self.plural.into() });
            }
            Choice::Values(values) => values,
        };
        let mut out: Vec<String> = Vec::with_capacity(values.len());
        for value in values {
            let normal = self.shape.normalize(&value).ok_or_else(|| OptionsError::BadValue {
                field: self.key.into(),
                singular: self.singular.into(),
                value: value.clone(),
                expected: self.shape.expected(),
            })?;
            if !out.contains(&normal) {
                out.push(normal);
            }
        }
        if self.single && out.len() > 1 {
            return Err(OptionsError::OnlyOne { field: self.key.into(), singular: self.singular.into() });
        }
        Ok(Choice::Values(out))
    }
}

impl<'de> Deserialize<'de> for PlanOptions {
    /// Reads the stored options; also the shape kept before kinds declared
    /// their fields (`remnawave_squads`, `marzban_inbounds` as `"all"` or tags
    /// per protocol, an unused `marzban_proxies`), so older plans keep theirs.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Choice(Choice),
            ByProtocol(BTreeMap<String, Vec<String>>),
            Other(serde_json::Value),
        }
        let stored = BTreeMap::<String, Stored>::deserialize(deserializer)?;
        let mut options = BTreeMap::new();
        for (key, value) in stored {
            let key = match key.as_str() {
                "remnawave_squads" => "squads".to_owned(),
                "marzban_inbounds" => "inbounds".to_owned(),
                "marzban_proxies" => continue,
                _ => key,
            };
            let choice = match value {
                Stored::Choice(choice) => choice,
                // Marzban's own shape: `{}` was every inbound.
                Stored::ByProtocol(map) if map.is_empty() => Choice::All,
                Stored::ByProtocol(map) => Choice::Values(map.into_values().flatten().collect()),
                Stored::Other(serde_json::Value::Null) => continue,
                Stored::Other(other) => {
                    return Err(serde::de::Error::custom(format!("unreadable choice for `{key}`: {other}")));
                }
            };
            if !choice.is_empty() {
                options.insert(key, choice);
            }
        }
        Ok(Self(options))
    }
}

/// A change to a plan's options: each field given is replaced; an empty
/// list clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionsChange(pub BTreeMap<String, Choice>);

impl OptionsChange {
    /// Whether this changes nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// This change with `key` set to `choice` (a field given twice: the last wins).
    pub fn set(mut self, key: &str, choice: Choice) -> Self {
        self.0.insert(key.trim().to_ascii_lowercase(), choice);
        self
    }
}

/// Why a plan's panel options were refused. Texts name what is wrong and
/// what the panel has instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A required field is not chosen.
    #[error("a plan on a {kind} panel needs its {plural}: {how} (the panel has: {available})")]
    Missing {
        /// Its key.
        field: String,
        /// The panel's kind.
        kind: String,
        /// What they are called.
        plural: String,
        /// How to choose them.
        how: String,
        /// What the panel has.
        available: String,
    },
    /// Values the panel does not have.
    #[error("the panel has no {singular} {unknown}; it has: {available}")]
    Unknown {
        /// Its key.
        field: String,
        /// What one is called.
        singular: String,
        /// The unknown values.
        unknown: String,
        /// What the panel has.
        available: String,
    },
    /// Values the panel has that would serve nothing.
    #[error("{singular} {names} {why}, so its users could not connect")]
    Unusable {
        /// Its key.
        field: String,
        /// What one is called.
        singular: String,
        /// Their names.
        names: String,
        /// Why (the panel's catalog says).
        why: String,
    },
    /// A value of the wrong spelling.
    #[error("{singular} `{value}` is not a {expected}")]
    BadValue {
        /// Its key.
        field: String,
        /// What one is called.
        singular: String,
        /// What was given.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// `all` where every value must be named.
    #[error("`all` is not a choice for {plural}: name them")]
    NotAll {
        /// Its key.
        field: String,
        /// What they are called.
        plural: String,
    },
    /// Several values where one is chosen.
    #[error("choose one {singular}, not several")]
    OnlyOne {
        /// Its key.
        field: String,
        /// What one is called.
        singular: String,
    },
    /// The panel has nothing for a required field.
    #[error("the panel has no {plural}, so nothing can be sold on it")]
    CatalogEmpty {
        /// Its key.
        field: String,
        /// What they are called.
        plural: String,
    },
    /// A field the shop's panel kind does not have.
    #[error("a {kind} panel has no option `{field}`; its options: {known}")]
    UnknownField {
        /// The key given.
        field: String,
        /// The panel's kind.
        kind: String,
        /// Its fields.
        known: String,
    },
    /// A field no panel kind has.
    #[error("no VPN panel kind has an option `{0}`")]
    NoSuchOption(String),
    /// The shop's panel is of a kind this build does not know.
    #[error("the shop's VPN panel is of a kind this version of Bazar does not know")]
    UnknownKind,
    /// No panel serves the shop, so nothing can be checked (or sold).
    #[error("no VPN panel serves this shop yet")]
    NoPanel,
}

impl OptionsError {
    /// The option field this is about (its key), if one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Missing { field, .. }
            | Self::Unknown { field, .. }
            | Self::Unusable { field, .. }
            | Self::BadValue { field, .. }
            | Self::NotAll { field, .. }
            | Self::OnlyOne { field, .. }
            | Self::CatalogEmpty { field, .. }
            | Self::UnknownField { field, .. } => Some(field),
            Self::NoSuchOption(field) => Some(field),
            Self::UnknownKind | Self::NoPanel => None,
        }
    }
}

/// Whether `text` is a UUID (`8-4-4-4-12` hex digits).
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}
