use super::*;

/// Every kind once, with arguments as its producer writes them.
fn every_kind() -> Vec<JobKind> {
    let renewal = ExtendJob {
        subscription: SubscriptionId::from_raw(4),
        days: 30,
        price: 150_000,
        currency: Currency::Irt,
        key: "renew:k".into(),
        added_days: None,
        by: None,
    };
    vec![
        JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(1) }),
        JobKind::Extend(renewal),
        JobKind::Disable(DisableJob { subscription: SubscriptionId::from_raw(2) }),
        JobKind::PanelCatalog(PanelCatalogJob {}),
        JobKind::Remind(RemindJob { subscription: SubscriptionId::from_raw(3), days: 1 }),
        JobKind::Expire(ExpireJob { subscription: SubscriptionId::from_raw(3) }),
        JobKind::ResetLink(ResetLinkJob { subscription: SubscriptionId::from_raw(5), by: "bot:9".into() }),
        JobKind::PaymentUpdate(PaymentUpdateJob {
            payment: PaymentId::from_raw(6),
            purchase: Some(PurchaseResult::NotEnough),
        }),
        JobKind::PaymentExpire(PaymentJob { payment: PaymentId::from_raw(7) }),
        JobKind::StarsSettle(PaymentJob { payment: PaymentId::from_raw(8) }),
        JobKind::ZarinpalRequest(PaymentJob { payment: PaymentId::from_raw(9) }),
        JobKind::ZarinpalReconcile(PaymentJob { payment: PaymentId::from_raw(10) }),
        JobKind::TicketReply(TicketReplyJob { ticket: TicketId::from_raw(11), message: 12 }),
        JobKind::TicketClosed(TicketClosedJob { ticket: TicketId::from_raw(11) }),
        JobKind::DailySummary(DailySummaryJob { day_start: 1_764_000_000_000 }),
        JobKind::PanelHealth(PanelHealthJob { down: true, since: 1_764_000_000_000 }),
        JobKind::PanelConnect(PanelConnectJob {
            kind: "marzban".into(),
            url: "https://panel.example".into(),
            credentials: SealedBlob { key_id: "k1".into(), blob: vec![1, 2, 3] },
            chat: 42,
        }),
    ]
}

/// The kinds already in databases: never renamed, never reused.
const STORED_KINDS: [&str; 17] = [
    "provision",
    "extend",
    "disable",
    "panel_catalog",
    "remind",
    "expire",
    "reset_link",
    "payment_update",
    "payment_expire",
    "stars_settle",
    "zarinpal_request",
    "zarinpal_reconcile",
    "ticket_reply",
    "ticket_closed",
    "daily_summary",
    "panel_health",
    "panel_connect",
];

#[test]
fn every_kind_keeps_its_stored_name_and_reads_back() {
    let kinds = every_kind();
    let names: Vec<&str> = kinds.iter().map(JobKind::name).collect();
    assert_eq!(names, STORED_KINDS);
    for kind in kinds {
        let tagged = serde_json::to_value(&kind).unwrap();
        assert_eq!(tagged["kind"], kind.name(), "serde's tag and name() agree");
        assert_eq!(JobKind::from_stored(kind.name(), &kind.payload()).unwrap(), kind);
    }
}

#[test]
fn rows_written_before_the_type_still_read() {
    let read = |kind: &str, payload: &str| JobKind::from_stored(kind, payload).unwrap();
    assert_eq!(
        read("provision", r#"{"subscription":7}"#),
        JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(7) })
    );
    assert_eq!(read("panel_catalog", "{}"), JobKind::PanelCatalog(PanelCatalogJob {}));
    assert_eq!(
        read("remind", r#"{"days":3,"subscription":7}"#),
        JobKind::Remind(RemindJob { subscription: SubscriptionId::from_raw(7), days: 3 })
    );
    let renewal = r#"{"currency":"IRR","days":30,"key":"renew:x","price":5000,"subscription":7}"#;
    let JobKind::Extend(extend) = read("extend", renewal) else { panic!("not an extension") };
    assert_eq!((extend.days, extend.price, extend.currency, extend.added_days), (30, 5000, Currency::Irr, None));
    let admin =
        r#"{"added_days":5,"by":"api","currency":"IRT","days":0,"key":"admin-extend:7:9","price":0,"subscription":7}"#;
    let JobKind::Extend(extend) = read("extend", admin) else { panic!("not an extension") };
    assert_eq!((extend.added_days, extend.by.as_deref()), (Some(5), Some("api")));
    assert_eq!(read("reset_link", r#"{"by":"bot:1","subscription":4}"#).name(), "reset_link");
    let update = |purchase| JobKind::PaymentUpdate(PaymentUpdateJob { payment: PaymentId::from_raw(3), purchase });
    assert_eq!(read("payment_update", r#"{"payment":3}"#), update(None));
    assert_eq!(read("payment_update", r#"{"payment":3,"purchase":null}"#), update(None));
    assert_eq!(read("payment_update", r#"{"payment":3,"purchase":"bought"}"#), update(Some(PurchaseResult::Bought)));
    assert_eq!(read("payment_update", r#"{"payment":3,"purchase":"no_panel"}"#), update(Some(PurchaseResult::NoPanel)));
    assert_eq!(
        read("stars_settle", r#"{"payment":8}"#),
        JobKind::StarsSettle(PaymentJob { payment: PaymentId::from_raw(8) })
    );
    let reply = read("ticket_reply", r#"{"message":12,"ticket":11}"#);
    assert_eq!(reply, JobKind::TicketReply(TicketReplyJob { ticket: TicketId::from_raw(11), message: 12 }));
    assert_eq!(read("daily_summary", r#"{"day_start":86400000}"#).name(), "daily_summary");
}

#[test]
fn payloads_are_written_in_the_stored_shape() {
    assert_eq!(
        JobKind::Provision(ProvisionJob { subscription: SubscriptionId::from_raw(7) }).payload(),
        r#"{"subscription":7}"#
    );
    assert_eq!(JobKind::PanelCatalog(PanelCatalogJob {}).payload(), "{}");
    let reply = JobKind::TicketReply(TicketReplyJob { ticket: TicketId::from_raw(11), message: 12 });
    assert_eq!(reply.payload(), r#"{"message":12,"ticket":11}"#);
    let update = JobKind::PaymentUpdate(PaymentUpdateJob {
        payment: PaymentId::from_raw(3),
        purchase: Some(PurchaseResult::PlanGone),
    });
    assert_eq!(update.payload(), r#"{"payment":3,"purchase":"plan_gone"}"#);
    assert_eq!(
        JobKind::PaymentUpdate(PaymentUpdateJob { payment: PaymentId::from_raw(3), purchase: None }).payload(),
        r#"{"payment":3}"#
    );
}

#[test]
fn a_row_that_is_not_a_job_says_why() {
    let err = JobKind::from_stored("teleport", r#"{"subscription":1}"#).unwrap_err();
    assert!(matches!(&err, JobError::Unreadable { kind, .. } if kind == "teleport"), "{err:?}");
    assert!(err.to_string().contains("unknown variant `teleport`"), "{err}");
    let err = JobKind::from_stored("provision", "{}").unwrap_err();
    assert!(err.to_string().contains("missing field `subscription`"), "{err}");
    let err = JobKind::from_stored("provision", r#"{"subscription":"seven"}"#).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
    assert!(JobKind::from_stored("provision", "null").is_err(), "never run with Null");
    let err = JobKind::from_stored("provision", "{not json").unwrap_err();
    assert!(matches!(err, JobError::NotJson { .. }), "{err:?}");
    let err = JobKind::from_stored("payment_update", r#"{"payment":3,"purchase":"maybe"}"#).unwrap_err();
    assert!(err.to_string().contains("unknown variant `maybe`"), "{err}");
}
