use super::*;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

const SQUAD: &str = "3a9c0d1e-5b7f-4c2a-9e8d-1f2a3b4c5d6e";
const EMPTY: &str = "00000000-0000-4000-8000-000000000000";
const LABELS: Labels = Labels { en: "x", fa: "x", ru: "x" };

const SQUADS: OptionField = OptionField {
    key: "squads",
    singular: "internal squad",
    plural: "internal squads",
    labels: LABELS,
    help: "",
    shape: ValueShape::Uuid,
    all: false,
    required: true,
    single: false,
};
const INBOUNDS: OptionField = OptionField {
    key: "inbounds",
    singular: "inbound",
    plural: "inbounds",
    labels: LABELS,
    help: "",
    shape: ValueShape::Text,
    all: true,
    required: true,
    single: false,
};

fn squads_kind() -> PanelKind {
    PanelKind::named("squadpanel")
}

fn catalog() -> PanelCatalog {
    let squad = |uuid: &str, name: &str, unusable: Option<&str>| CatalogEntry {
        value: uuid.into(),
        label: name.into(),
        detail: None,
        unusable: unusable.map(str::to_owned),
    };
    PanelCatalog(
        [
            ("inbounds".to_owned(), vec![CatalogEntry::plain("VLESS TCP"), CatalogEntry::plain("VMess TCP")]),
            (
                "squads".to_owned(),
                vec![squad(SQUAD, "Default-Squad", None), squad(EMPTY, "Empty", Some("holds no inbounds"))],
            ),
        ]
        .into(),
    )
}

fn change(key: &str, text: &str) -> OptionsChange {
    OptionsChange::default().set(key, text.parse().unwrap())
}

fn check(key: &str, text: &str, field: OptionField) -> Result<PlanOptions, OptionsError> {
    PlanOptions::default().checked(change(key, text), &squads_kind(), &[field], &catalog()).map_err(only)
}

/// The one refusal of a check.
fn only(mut refused: Vec<OptionsError>) -> OptionsError {
    assert_eq!(refused.len(), 1, "{refused:?}");
    refused.remove(0)
}

#[test]
fn a_required_field_must_name_real_values_that_serve() {
    let none = PlanOptions::default().checked(OptionsChange::default(), &squads_kind(), &[SQUADS], &catalog());
    assert!(
        matches!(none.map_err(only), Err(OptionsError::Missing { ref available, .. }) if available.contains("Default-Squad"))
    );
    let unknown = check("squads", "11111111-1111-4111-8111-111111111111", SQUADS).unwrap_err();
    assert!(unknown.to_string().starts_with("the panel has no internal squad 1111"), "{unknown}");
    let empty = check("squads", EMPTY, SQUADS).unwrap_err();
    assert_eq!(empty.to_string(), "internal squad Empty holds no inbounds, so its users could not connect");
    let ok = check("squads", &SQUAD.to_ascii_uppercase(), SQUADS).unwrap();
    assert_eq!(ok.get("squads"), Some(&Choice::Values(vec![SQUAD.to_owned()])), "UUIDs in lower case");
    let bad = check("squads", "nope", SQUADS).unwrap_err();
    assert_eq!(bad.to_string(), "internal squad `nope` is not a UUID");
    assert_eq!(check("squads", "all", SQUADS).unwrap_err().field(), Some("squads"), "all is refused where not allowed");
    let one = OptionField { single: true, ..SQUADS };
    let two = format!("{SQUAD},{EMPTY}");
    assert_eq!(check("squads", &two, one).unwrap_err().to_string(), "choose one internal squad, not several");
}

#[test]
fn all_or_a_list_where_all_is_allowed() {
    assert_eq!(check("inbounds", "all", INBOUNDS).unwrap().get("inbounds"), Some(&Choice::All));
    let listed = check("inbounds", "VMess TCP, VLESS TCP, VMess TCP", INBOUNDS).unwrap();
    assert_eq!(listed.get("inbounds").unwrap().values(), ["VMess TCP", "VLESS TCP"], "trimmed, no repeats");
    let unknown = check("inbounds", "Trojan, VLESS TCP", INBOUNDS).unwrap_err();
    assert!(matches!(unknown, OptionsError::Unknown { ref unknown, .. } if unknown == "Trojan"));
    let bare = PanelCatalog::default();
    let nothing = PlanOptions::default().checked(change("inbounds", "all"), &squads_kind(), &[INBOUNDS], &bare);
    assert_eq!(only(nothing.unwrap_err()).to_string(), "the panel has no inbounds, so nothing can be sold on it");
    let other = check("squads", SQUAD, INBOUNDS).unwrap_err();
    assert_eq!(other.to_string(), "a squadpanel panel has no option `squads`; its options: inbounds");
}

#[test]
fn each_kind_reads_only_its_fields() {
    let kind = squads_kind();
    let squads = PlanOptions::default().with("squads", Choice::Values(vec![SQUAD.into()]));
    assert!(squads.ready_for(&kind, &[SQUADS]).is_ok());
    assert!(squads.ready_for(&kind, &[INBOUNDS]).is_err());
    let both = squads.checked(change("inbounds", "all"), &kind, &[INBOUNDS], &catalog()).unwrap();
    assert!(both.ready_for(&kind, &[SQUADS]).is_ok() && both.ready_for(&kind, &[INBOUNDS]).is_ok());
    let cleared = both.unchecked(change("squads", ""), &[SQUADS, INBOUNDS]).unwrap();
    assert!(cleared.get("squads").is_none(), "an empty list clears a field");
    let unknown = PlanOptions::default().unchecked(change("colour", "red"), &[SQUADS, INBOUNDS]);
    assert_eq!(unknown.unwrap_err(), [OptionsError::NoSuchOption("colour".into())]);
    let shape = PlanOptions::default().unchecked(change("squads", "nope"), &[SQUADS, INBOUNDS]);
    assert!(matches!(shape.map_err(only), Err(OptionsError::BadValue { .. })), "shapes are checked without a panel");
    let both = PlanOptions::default()
        .unchecked(change("squads", "nope").set("inbounds", Choice::Values(vec![" ".into()])), &[SQUADS, INBOUNDS]);
    assert_eq!(both.unwrap_err().len(), 2, "every refused field is named");
}

#[test]
fn stored_options_round_trip_and_old_ones_still_read() {
    let options =
        PlanOptions::default().with("squads", Choice::Values(vec![SQUAD.into()])).with("inbounds", Choice::All);
    let stored = serde_json::to_value(&options).unwrap();
    assert_eq!(stored, json!({"squads": [SQUAD], "inbounds": "all"}));
    assert_eq!(serde_json::from_value::<PlanOptions>(stored).unwrap(), options);
    let old: PlanOptions =
        serde_json::from_value(json!({"remnawave_squads": [SQUAD], "marzban_inbounds": {}, "marzban_proxies": null}))
            .unwrap();
    assert_eq!(old, options, "the shape before kinds declared their fields");
    let tags: PlanOptions =
        serde_json::from_value(json!({"marzban_inbounds": {"vless": ["VLESS TCP"], "vmess": ["VMess TCP"]}})).unwrap();
    assert_eq!(tags.get("inbounds").unwrap().values(), ["VLESS TCP", "VMess TCP"]);
    let none: PlanOptions = serde_json::from_value(json!({"remnawave_squads": []})).unwrap();
    assert_eq!(none, PlanOptions::default());
}

#[test]
fn kinds_are_spelled_as_names() {
    assert_eq!(" Marzban ".parse::<PanelKind>().unwrap(), PanelKind::named("marzban"));
    assert_eq!("3x-ui".parse::<PanelKind>().unwrap().as_str(), "3x-ui");
    for bad in ["", "x", "x ui", "-x", "ünï", "a_b"] {
        assert!(bad.parse::<PanelKind>().is_err(), "{bad:?}");
    }
    assert_eq!(serde_json::to_value(PanelKind::named("marzban")).unwrap(), json!("marzban"));
}

#[test]
fn credentials_read_back_as_sealed_and_match_one_set() {
    let token = PanelCredentials::token(SecretString::from("t0k3n"));
    let back = PanelCredentials::from_sealed_text(&token.sealed_text()).unwrap();
    assert_eq!(back.get("token").unwrap().expose_secret(), "t0k3n");
    let login = PanelCredentials::login("admin", SecretString::from("pw"));
    let back = PanelCredentials::from_sealed_text(&login.sealed_text()).unwrap();
    assert_eq!((back.text("username"), back.get("password").unwrap().expose_secret()), (Some("admin"), "pw"));
    let garbage = PanelCredentials::from_sealed_text(&SecretString::from("{\"user\": 1} secret"));
    assert_eq!(garbage.unwrap_err().to_string(), "the stored panel credentials are unreadable");
    assert!(!format!("{login:?}").contains("pw"), "Debug never shows a value");

    const SECRET: CredentialField = CredentialField { key: "token", help: "", secret: true };
    const USER: CredentialField = CredentialField { key: "username", help: "", secret: false };
    const PASS: CredentialField = CredentialField { key: "password", help: "", secret: true };
    let sets = [
        CredentialSet { name: "API token", fields: &[SECRET] },
        CredentialSet { name: "admin login", fields: &[USER, PASS] },
    ];
    assert_eq!(token.matching(&sets).unwrap().name, "API token");
    assert_eq!(login.matching(&sets).unwrap().name, "admin login");
    let both = login.clone().with("token", SecretString::from("t"));
    let refused = both.matching(&sets).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "this panel kind logs in with token=… or username=… + password=…; given: password, token, username"
    );
    let blank = PanelCredentials::token(SecretString::from("  "));
    assert!(blank.matching(&sets).is_err(), "an empty value is not given");
}
