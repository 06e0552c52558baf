//! What Bazar knows about VPN panels without talking to one: which kinds
//! exist and what each enforces, what a plan chooses on a panel (squads,
//! inbounds), what a panel offers (its catalog), and the rule that joins the
//! two — a plan is sold only with options the panel really has.
//!
//! The adapters (`bazar-panels`) translate these into each panel's API; the
//! store keeps them typed; the CLI, the REST API and the admin menus all
//! check a plan's options with [`PlanOptions::checked`], so the same bad
//! input gets the same answer everywhere.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Which panel software is on the other end. Stored as `"remnawave"` / `"marzban"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PanelKind {
    /// [Remnawave](https://remna.st) 2.x or 3.x (API token, users under `/api/users`).
    Remnawave,
    /// Marzban 0.8.4 (admin login, users under `/api/user`).
    Marzban,
}

impl PanelKind {
    /// Every kind, in the order the CLI lists them.
    pub const ALL: [PanelKind; 2] = [Self::Remnawave, Self::Marzban];

    /// The stored spelling: `"remnawave"` or `"marzban"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Remnawave => "remnawave",
            Self::Marzban => "marzban",
        }
    }

    /// Whether the panel itself limits a user's simultaneous devices.
    /// Remnawave does (`hwidDeviceLimit`); Marzban has no such setting, so a
    /// plan's device limit is not shown to customers of a Marzban shop —
    /// a promise nothing keeps is not made.
    pub fn enforces_device_limit(self) -> bool {
        match self {
            Self::Remnawave => true,
            Self::Marzban => false,
        }
    }
}

impl fmt::Display for PanelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A panel kind that is neither `remnawave` nor `marzban`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown VPN panel kind `{0}` (expected `remnawave` or `marzban`)")]
pub struct UnknownPanelKind(pub String);

impl FromStr for PanelKind {
    type Err = UnknownPanelKind;

    /// Case-insensitive, surrounding whitespace ignored: configuration is typed by people.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "remnawave" => Ok(Self::Remnawave),
            "marzban" => Ok(Self::Marzban),
            _ => Err(UnknownPanelKind(s.to_owned())),
        }
    }
}

/// How Bazar authenticates to a panel: typed from the CLI (or API) that
/// reads it to the adapter that uses it. The store seals it at rest as the
/// text of [`PanelCredentials::sealed_text`] and reads it back, once, with
/// [`PanelCredentials::from_sealed_text`] — one format, one place.
#[derive(Debug, Clone)]
pub enum PanelCredentials {
    /// A bearer token: a Remnawave API token (created in the panel under
    /// *API tokens*), or a Marzban access token obtained elsewhere (it cannot
    /// be renewed by us, so it stops working when it expires).
    Token(SecretString),
    /// A Marzban admin login; the adapter obtains and renews access tokens itself.
    Login {
        /// Admin username.
        username: String,
        /// Admin password.
        password: SecretString,
    },
}

/// Stored panel credentials that do not read (never says what they hold).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored panel credentials are unreadable")]
pub struct UnreadableCredentials;

impl PanelCredentials {
    /// `{"token": …}` or `{"username": …, "password": …}`: what the store seals.
    pub fn sealed_text(&self) -> SecretString {
        let json = match self {
            Self::Token(token) => serde_json::json!({"token": token.expose_secret()}),
            Self::Login { username, password } => {
                serde_json::json!({"username": username, "password": password.expose_secret()})
            }
        };
        SecretString::from(json.to_string())
    }

    /// Reads what [`Self::sealed_text`] wrote.
    pub fn from_sealed_text(text: &SecretString) -> Result<Self, UnreadableCredentials> {
        let value: serde_json::Value = serde_json::from_str(text.expose_secret()).map_err(|_| UnreadableCredentials)?;
        if let Some(token) = value.get("token").and_then(|t| t.as_str()) {
            return Ok(Self::Token(SecretString::from(token.to_owned())));
        }
        let username = value.get("username").and_then(|u| u.as_str()).ok_or(UnreadableCredentials)?.to_owned();
        let password = value.get("password").and_then(|p| p.as_str()).ok_or(UnreadableCredentials)?;
        Ok(Self::Login { username, password: SecretString::from(password.to_owned()) })
    }
}

/// The Marzban inbounds a plan's users get.
///
/// There is no "not chosen" value here: a plan on Marzban without a choice
/// is `PlanOptions::marzban_inbounds = None`, which is refused — Marzban
/// gives a user created without `inbounds` none at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarzbanInbounds {
    /// Every inbound of every protocol the panel serves (sent as `{}`).
    All,
    /// These tags, grouped by protocol.
    Only(BTreeMap<String, Vec<String>>),
}

impl MarzbanInbounds {
    /// The tags chosen, in protocol order; empty for [`Self::All`].
    pub fn tags(&self) -> Vec<&str> {
        match self {
            Self::All => Vec::new(),
            Self::Only(map) => map.values().flatten().map(String::as_str).collect(),
        }
    }
}

impl Serialize for MarzbanInbounds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_str("all"),
            Self::Only(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for MarzbanInbounds {
    /// `"all"`, or `{"vless": ["VLESS TCP"]}`. An empty object means every
    /// inbound, as it does to Marzban itself (plans stored before the explicit
    /// `"all"` existed were saved that way).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Word(String),
            Map(BTreeMap<String, Vec<String>>),
        }
        match Stored::deserialize(deserializer)? {
            Stored::Word(word) if word == "all" => Ok(Self::All),
            Stored::Word(other) => Err(serde::de::Error::custom(format!("unknown inbound choice `{other}`"))),
            Stored::Map(map) if map.is_empty() => Ok(Self::All),
            Stored::Map(map) => Ok(Self::Only(map)),
        }
    }
}

/// The panel-specific part of a plan.
///
/// Each field is read by one panel kind only, so a plan may carry the
/// options of both kinds (and move between panels) without confusion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanOptions {
    /// Remnawave: UUIDs of the internal squads (`activeInternalSquads`) that
    /// decide which nodes and inbounds the user gets. Remnawave has no default
    /// squad, so a plan on Remnawave needs at least one.
    pub remnawave_squads: Vec<String>,
    /// Marzban: which inbounds the user gets; `None` = not chosen (refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marzban_inbounds: Option<MarzbanInbounds>,
    /// Marzban: settings per protocol the plan imposes, e.g.
    /// `{"vless": {"flow": "xtls-rprx-vision"}}`; the panel generates ids and
    /// passwords itself.
    #[serde(deserialize_with = "null_as_empty", skip_serializing_if = "BTreeMap::is_empty")]
    pub marzban_proxies: BTreeMap<String, serde_json::Map<String, serde_json::Value>>,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// What a panel offers a plan to choose from, as read from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PanelCatalog {
    /// Marzban: every inbound (tag and protocol).
    pub inbounds: Vec<CatalogInbound>,
    /// Remnawave: every internal squad.
    pub squads: Vec<CatalogSquad>,
}

/// One inbound of a Marzban panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogInbound {
    /// Its tag, e.g. `VLESS TCP REALITY` (what a plan names).
    pub tag: String,
    /// Its protocol, e.g. `vless`.
    pub protocol: String,
}

/// One internal squad of a Remnawave panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSquad {
    /// Its UUID (what a plan names).
    pub uuid: String,
    /// The name panel admins gave it.
    pub name: String,
    /// How many inbounds it holds; a squad with none serves nothing.
    pub inbounds: u32,
}

impl PanelCatalog {
    /// The inbound tags, for error texts: `VLESS TCP, VMess TCP`.
    fn inbound_list(&self) -> String {
        list(self.inbounds.iter().map(|i| i.tag.as_str()))
    }

    /// The squads, for error texts: `Default-Squad (3a9c…), …`.
    fn squad_list(&self) -> String {
        list(self.squads.iter().map(|s| format!("{} ({})", s.name, s.uuid)))
    }

    /// Every inbound grouped by protocol, as Marzban's `inbounds` field wants it.
    pub fn inbounds_by_protocol(&self) -> BTreeMap<String, Vec<String>> {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for inbound in &self.inbounds {
            map.entry(inbound.protocol.clone()).or_default().push(inbound.tag.clone());
        }
        map
    }
}

fn list<T: fmt::Display>(items: impl Iterator<Item = T>) -> String {
    let items: Vec<String> = items.map(|i| i.to_string()).collect();
    if items.is_empty() { "none".to_owned() } else { items.join(", ") }
}

/// How a person chooses Marzban inbounds: `all`, a comma-separated list of
/// tags (their protocols are looked up on the panel), or the JSON object
/// Marzban itself takes (`{"vless": ["VLESS TCP"]}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundsChoice {
    /// Every inbound.
    All,
    /// These tags, whatever their protocol.
    Tags(Vec<String>),
    /// These tags under these protocols.
    ByProtocol(BTreeMap<String, Vec<String>>),
}

impl FromStr for InboundsChoice {
    type Err = OptionsError;

    fn from_str(text: &str) -> Result<Self, OptionsError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        if text.starts_with('{') {
            let map: BTreeMap<String, Vec<String>> =
                serde_json::from_str(text).map_err(|_| OptionsError::BadInbounds)?;
            if map.is_empty() || map.keys().any(|k| k.trim().is_empty()) {
                return Err(OptionsError::BadInbounds);
            }
            return Ok(Self::ByProtocol(map));
        }
        let tags: Vec<String> = text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
        if tags.is_empty() {
            return Err(OptionsError::BadInbounds);
        }
        Ok(Self::Tags(tags))
    }
}

/// Why a plan's panel options were refused. Texts name what is wrong and
/// what the panel has instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A Remnawave plan without a squad.
    #[error("a plan on a Remnawave panel needs at least one internal squad (--squad UUID); the panel has: {available}")]
    NoSquad {
        /// The panel's squads.
        available: String,
    },
    /// A squad id that is not a UUID.
    #[error("squad `{0}` is not a UUID")]
    BadSquad(String),
    /// Squads the panel does not have.
    #[error("the panel has no internal squad {unknown}; it has: {available}")]
    UnknownSquads {
        /// The unknown ones.
        unknown: String,
        /// The panel's squads.
        available: String,
    },
    /// Squads that hold no inbound.
    #[error("internal squad {0} holds no inbounds, so its users could not connect")]
    EmptySquads(String),
    /// A Marzban plan without an inbound choice.
    #[error(
        "a plan on a Marzban panel needs its inbounds: `--inbounds all` for every inbound, or a comma-separated list of tags (the panel has: {available})"
    )]
    NoInbounds {
        /// The panel's inbound tags.
        available: String,
    },
    /// Inbound tags the panel does not have (or not under that protocol).
    #[error("the panel has no inbound {unknown}; it has: {available}")]
    UnknownInbounds {
        /// The unknown ones.
        unknown: String,
        /// The panel's inbound tags.
        available: String,
    },
    /// The panel has no inbound at all.
    #[error("the panel has no inbounds, so nothing can be sold on it")]
    PanelHasNoInbounds,
    /// Unreadable inbound choice.
    #[error("inbounds must be `all`, a comma-separated list of tags, or JSON like {{\"vless\":[\"VLESS TCP\"]}}")]
    BadInbounds,
    /// No panel serves the shop, so nothing can be checked (or sold).
    #[error("no VPN panel serves this shop yet")]
    NoPanel,
}

/// A change to a plan's options: `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionsChange {
    /// New Remnawave squads (replacing the current ones).
    pub squads: Option<Vec<String>>,
    /// New Marzban inbounds.
    pub inbounds: Option<InboundsChoice>,
}

impl OptionsChange {
    /// Whether this changes nothing.
    pub fn is_empty(&self) -> bool {
        self.squads.is_none() && self.inbounds.is_none()
    }
}

impl PlanOptions {
    /// These options with `change` applied and checked against what the
    /// panel of `kind` offers: every named squad or inbound must exist on it,
    /// and the part `kind` reads must be chosen. Tags given without a protocol
    /// get theirs from the catalog.
    pub fn checked(
        mut self,
        change: OptionsChange,
        kind: PanelKind,
        catalog: &PanelCatalog,
    ) -> Result<PlanOptions, OptionsError> {
        if let Some(squads) = change.squads {
            if let Some(bad) = squads.iter().find(|s| !is_squad_id(s.trim())) {
                return Err(OptionsError::BadSquad(bad.clone()));
            }
            self.remnawave_squads = squads.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
        }
        if let Some(choice) = change.inbounds {
            self.marzban_inbounds = Some(resolve_inbounds(choice, catalog)?);
        }
        match kind {
            PanelKind::Remnawave => check_squads(&self.remnawave_squads, catalog)?,
            PanelKind::Marzban => check_inbounds(self.marzban_inbounds.as_ref(), catalog)?,
        }
        Ok(self)
    }

    /// Applies `change` without a panel to check against (no panel serves the
    /// shop yet, or its catalog is not known): only the shapes are checked.
    /// [`PlanOptions::ready_for`] keeps such a plan off sale until its part
    /// for the shop's panel is chosen.
    pub fn unchecked(mut self, change: OptionsChange) -> Result<PlanOptions, OptionsError> {
        if let Some(squads) = change.squads {
            if let Some(bad) = squads.iter().find(|s| !is_squad_id(s.trim())) {
                return Err(OptionsError::BadSquad(bad.clone()));
            }
            self.remnawave_squads = squads.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
        }
        match change.inbounds {
            None => {}
            Some(InboundsChoice::All) => self.marzban_inbounds = Some(MarzbanInbounds::All),
            Some(InboundsChoice::ByProtocol(map)) => self.marzban_inbounds = Some(MarzbanInbounds::Only(map)),
            // A bare tag list needs the panel to learn the tags' protocols.
            Some(InboundsChoice::Tags(_)) => return Err(OptionsError::NoPanel),
        }
        Ok(self)
    }

    /// Whether the part a panel of `kind` reads is chosen — the check made
    /// without the panel, before selling (a plan made before its shop had a
    /// panel, or moved to another kind, stays off sale until it is).
    pub fn ready_for(&self, kind: PanelKind) -> Result<(), OptionsError> {
        match kind {
            PanelKind::Remnawave if self.remnawave_squads.is_empty() => {
                Err(OptionsError::NoSquad { available: "see `bazar panel options`".into() })
            }
            PanelKind::Marzban if self.marzban_inbounds.is_none() => {
                Err(OptionsError::NoInbounds { available: "see `bazar panel options`".into() })
            }
            _ => Ok(()),
        }
    }
}

/// Whether `text` looks like a Remnawave internal squad id (a UUID).
pub fn is_squad_id(text: &str) -> bool {
    text.len() == 36
        && text
            .char_indices()
            .all(|(i, c)| if matches!(i, 8 | 13 | 18 | 23) { c == '-' } else { c.is_ascii_hexdigit() })
}

fn check_squads(squads: &[String], catalog: &PanelCatalog) -> Result<(), OptionsError> {
    if let Some(bad) = squads.iter().find(|s| !is_squad_id(s)) {
        return Err(OptionsError::BadSquad(bad.clone()));
    }
    if squads.is_empty() {
        return Err(OptionsError::NoSquad { available: catalog.squad_list() });
    }
    let unknown: Vec<&str> =
        squads.iter().filter(|s| !catalog.squads.iter().any(|c| &c.uuid == *s)).map(String::as_str).collect();
    if !unknown.is_empty() {
        return Err(OptionsError::UnknownSquads { unknown: unknown.join(", "), available: catalog.squad_list() });
    }
    let empty: Vec<&str> = catalog
        .squads
        .iter()
        .filter(|c| c.inbounds == 0 && squads.contains(&c.uuid))
        .map(|c| c.name.as_str())
        .collect();
    if !empty.is_empty() {
        return Err(OptionsError::EmptySquads(empty.join(", ")));
    }
    Ok(())
}

fn resolve_inbounds(choice: InboundsChoice, catalog: &PanelCatalog) -> Result<MarzbanInbounds, OptionsError> {
    let tags = match choice {
        InboundsChoice::All => return Ok(MarzbanInbounds::All),
        InboundsChoice::ByProtocol(map) => return Ok(MarzbanInbounds::Only(map)),
        InboundsChoice::Tags(tags) => tags,
    };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unknown = Vec::new();
    for tag in tags {
        match catalog.inbounds.iter().find(|i| i.tag == tag) {
            Some(inbound) => {
                let list = map.entry(inbound.protocol.clone()).or_default();
                if !list.contains(&tag) {
                    list.push(tag);
                }
            }
            None => unknown.push(tag),
        }
    }
    if !unknown.is_empty() {
        return Err(OptionsError::UnknownInbounds { unknown: unknown.join(", "), available: catalog.inbound_list() });
    }
    Ok(MarzbanInbounds::Only(map))
}

fn check_inbounds(inbounds: Option<&MarzbanInbounds>, catalog: &PanelCatalog) -> Result<(), OptionsError> {
    if catalog.inbounds.is_empty() {
        return Err(OptionsError::PanelHasNoInbounds);
    }
    match inbounds {
        None => Err(OptionsError::NoInbounds { available: catalog.inbound_list() }),
        Some(MarzbanInbounds::All) => Ok(()),
        Some(MarzbanInbounds::Only(map)) => {
            let unknown: Vec<String> = map
                .iter()
                .flat_map(|(protocol, tags)| tags.iter().map(move |t| (protocol, t)))
                .filter(|(protocol, tag)| !catalog.inbounds.iter().any(|i| &i.tag == *tag && &i.protocol == *protocol))
                .map(|(protocol, tag)| format!("{tag} ({protocol})"))
                .collect();
            if map.values().all(Vec::is_empty) {
                return Err(OptionsError::NoInbounds { available: catalog.inbound_list() });
            }
            if unknown.is_empty() {
                Ok(())
            } else {
                Err(OptionsError::UnknownInbounds { unknown: unknown.join(", "), available: catalog.inbound_list() })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SQUAD: &str = "3a9c0d1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e";

    fn catalog() -> PanelCatalog {
        PanelCatalog {
            inbounds: vec![
                CatalogInbound { tag: "VLESS TCP".into(), protocol: "vless".into() },
                CatalogInbound { tag: "VMess TCP".into(), protocol: "vmess".into() },
            ],
            squads: vec![
                CatalogSquad { uuid: SQUAD.into(), name: "Default-Squad".into(), inbounds: 2 },
                CatalogSquad { uuid: "00000000-0000-4000-8000-000000000000".into(), name: "Empty".into(), inbounds: 0 },
            ],
        }
    }

    fn change(squads: Option<Vec<&str>>, inbounds: Option<&str>) -> OptionsChange {
        OptionsChange {
            squads: squads.map(|s| s.into_iter().map(str::to_owned).collect()),
            inbounds: inbounds.map(|i| i.parse().unwrap()),
        }
    }

    #[test]
    fn a_remnawave_plan_needs_a_real_squad_with_inbounds() {
        let none = PlanOptions::default().checked(change(None, None), PanelKind::Remnawave, &catalog());
        assert!(matches!(none, Err(OptionsError::NoSquad { ref available }) if available.contains("Default-Squad")));
        let unknown = PlanOptions::default().checked(
            change(Some(vec!["11111111-1111-4111-8111-111111111111"]), None),
            PanelKind::Remnawave,
            &catalog(),
        );
        assert!(matches!(unknown, Err(OptionsError::UnknownSquads { ref unknown, .. }) if unknown.starts_with("1111")));
        let empty = PlanOptions::default().checked(
            change(Some(vec!["00000000-0000-4000-8000-000000000000"]), None),
            PanelKind::Remnawave,
            &catalog(),
        );
        assert_eq!(empty, Err(OptionsError::EmptySquads("Empty".into())));
        let upper = SQUAD.to_ascii_uppercase();
        let ok = PlanOptions::default().checked(change(Some(vec![&upper]), None), PanelKind::Remnawave, &catalog());
        assert_eq!(ok.unwrap().remnawave_squads, vec![SQUAD.to_owned()]);
        let bad = PlanOptions::default().checked(change(Some(vec!["nope"]), None), PanelKind::Remnawave, &catalog());
        assert_eq!(bad, Err(OptionsError::BadSquad("nope".into())));
    }

    #[test]
    fn a_marzban_plan_chooses_inbounds_explicitly() {
        let none = PlanOptions::default().checked(change(None, None), PanelKind::Marzban, &catalog());
        assert!(matches!(none, Err(OptionsError::NoInbounds { ref available }) if available == "VLESS TCP, VMess TCP"));
        let all = PlanOptions::default().checked(change(None, Some("all")), PanelKind::Marzban, &catalog()).unwrap();
        assert_eq!(all.marzban_inbounds, Some(MarzbanInbounds::All));
        let tags =
            PlanOptions::default().checked(change(None, Some("VMess TCP, VLESS TCP")), PanelKind::Marzban, &catalog());
        let expected =
            BTreeMap::from([("vless".into(), vec!["VLESS TCP".into()]), ("vmess".into(), vec!["VMess TCP".into()])]);
        assert_eq!(tags.unwrap().marzban_inbounds, Some(MarzbanInbounds::Only(expected)));
        let unknown =
            PlanOptions::default().checked(change(None, Some("Trojan, VLESS TCP")), PanelKind::Marzban, &catalog());
        assert!(matches!(unknown, Err(OptionsError::UnknownInbounds { ref unknown, .. }) if unknown == "Trojan"));
        let wrong_protocol = PlanOptions::default().checked(
            change(None, Some(r#"{"vmess": ["VLESS TCP"]}"#)),
            PanelKind::Marzban,
            &catalog(),
        );
        assert!(matches!(wrong_protocol, Err(OptionsError::UnknownInbounds { .. })));
        let bare = PanelCatalog { inbounds: vec![], ..catalog() };
        let nothing = PlanOptions::default().checked(change(None, Some("all")), PanelKind::Marzban, &bare);
        assert_eq!(nothing, Err(OptionsError::PanelHasNoInbounds));
        assert_eq!("".parse::<InboundsChoice>(), Err(OptionsError::BadInbounds));
        assert_eq!("{}".parse::<InboundsChoice>(), Err(OptionsError::BadInbounds));
    }

    #[test]
    fn each_kind_reads_only_its_part() {
        let squads = PlanOptions { remnawave_squads: vec![SQUAD.into()], ..Default::default() };
        assert!(squads.ready_for(PanelKind::Remnawave).is_ok());
        assert!(squads.ready_for(PanelKind::Marzban).is_err());
        let both = squads.checked(change(None, Some("all")), PanelKind::Marzban, &catalog()).unwrap();
        assert!(both.ready_for(PanelKind::Remnawave).is_ok() && both.ready_for(PanelKind::Marzban).is_ok());
    }

    #[test]
    fn stored_options_round_trip_and_old_ones_still_read() {
        let options = PlanOptions {
            remnawave_squads: vec![SQUAD.into()],
            marzban_inbounds: Some(MarzbanInbounds::All),
            marzban_proxies: BTreeMap::new(),
        };
        let stored = serde_json::to_value(&options).unwrap();
        assert_eq!(stored, json!({"remnawave_squads": [SQUAD], "marzban_inbounds": "all"}));
        assert_eq!(serde_json::from_value::<PlanOptions>(stored).unwrap(), options);
        let old: PlanOptions =
            serde_json::from_value(json!({"marzban_inbounds": {}, "marzban_proxies": null})).unwrap();
        assert_eq!(old.marzban_inbounds, Some(MarzbanInbounds::All));
        let empty: PlanOptions = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, PlanOptions::default());
        let chosen: PlanOptions =
            serde_json::from_value(json!({"marzban_inbounds": {"vless": ["VLESS TCP"]}})).unwrap();
        assert_eq!(chosen.marzban_inbounds.unwrap().tags(), vec!["VLESS TCP"]);
    }

    #[test]
    fn kinds_parse_and_say_what_they_enforce() {
        assert_eq!(" Marzban ".parse::<PanelKind>().unwrap(), PanelKind::Marzban);
        assert!("xui".parse::<PanelKind>().is_err());
        assert!(PanelKind::Remnawave.enforces_device_limit());
        assert!(!PanelKind::Marzban.enforces_device_limit());
    }

    #[test]
    fn credentials_read_back_as_sealed() {
        let token = PanelCredentials::Token(SecretString::from("t0k3n"));
        let Ok(PanelCredentials::Token(back)) = PanelCredentials::from_sealed_text(&token.sealed_text()) else {
            panic!("a token")
        };
        assert_eq!(back.expose_secret(), "t0k3n");
        let login = PanelCredentials::Login { username: "admin".into(), password: SecretString::from("pw") };
        let Ok(PanelCredentials::Login { username, password }) =
            PanelCredentials::from_sealed_text(&login.sealed_text())
        else {
            panic!("a login")
        };
        assert_eq!((username.as_str(), password.expose_secret()), ("admin", "pw"));
        let garbage = PanelCredentials::from_sealed_text(&SecretString::from("{\"user\": 1} secret"));
        assert_eq!(garbage.unwrap_err().to_string(), "the stored panel credentials are unreadable");
        assert!(!format!("{login:?}").contains("pw"), "Debug never shows the password");
    }
}
