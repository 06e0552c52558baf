//! The client against `bazar_testkit::zarinpal::FakeZarinpal`, over real HTTP.

use bazar_testkit::zarinpal::FakeZarinpal;
use bazar_zarinpal::{
    Authority, Currency, InvalidValue, MerchantId, PaymentRequest, Unverified, Verification, Zarinpal, ZarinpalError,
};
use std::time::Duration;
use url::Url;

const MERCHANT: &str = "1344b5d4-0048-11e8-94db-005056a205be";
const OTHER_MERCHANT: &str = "0b9e8f6a-52c1-4f3e-9d7a-6c2e1f0a9b88";

fn merchant() -> MerchantId {
    MerchantId::parse(MERCHANT).unwrap()
}

fn client(fake: &FakeZarinpal) -> Zarinpal {
    Zarinpal::new(reqwest::Client::new(), Url::parse(&fake.url()).unwrap())
}

fn order(amount: i64) -> PaymentRequest {
    PaymentRequest {
        amount,
        currency: Currency::Irr,
        description: "VPN, 30 days".into(),
        callback_url: Url::parse("https://shop.example/pay/zarinpal?order=7").unwrap(),
        mobile: Some("09121234567".into()),
        email: None,
        order_id: Some("7".into()),
    }
}

/// The query parameter `name` of `url`.
fn query(url: &str, name: &str) -> Option<String> {
    Url::parse(url).unwrap().query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Every error text a test can provoke must leave the merchant id out.
fn assert_no_secret(err: &ZarinpalError) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.to_ascii_lowercase().contains(MERCHANT), "{text}");
    }
}

#[tokio::test]
async fn a_payment_is_requested_paid_and_verified_once() {
    let fake = FakeZarinpal::start().await;
    fake.accept_merchant(MERCHANT);
    let zp = client(&fake);

    let requested = zp.request(&merchant(), &order(250_000)).await.unwrap();
    let authority = requested.authority.clone();
    assert_eq!(authority.as_str().len(), 36);
    assert!(authority.as_str().starts_with('A'));
    assert_eq!(requested.fee, 2_500);
    assert_eq!(fake.authorities(), vec![authority.as_str().to_owned()]);
    let stored = fake.payment(authority.as_str()).unwrap();
    assert_eq!((stored.amount, stored.currency.as_str(), stored.merchant_id.as_str()), (250_000, "IRR", MERCHANT));
    assert_eq!(stored.callback_url, "https://shop.example/pay/zarinpal?order=7");
    assert_eq!((stored.mobile.as_deref(), stored.email.as_deref()), (Some("09121234567"), None));
    assert_eq!(stored.order_id.as_deref(), Some("7"));

    // The customer's browser opens the gateway's page…
    let start = zp.start_pay_url(&authority);
    assert_eq!(start.as_str(), format!("{}/pg/StartPay/{authority}", fake.url()));
    let page = reqwest::get(start).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(authority.as_str()));

    // …pays, and comes back to the callback with the authority.
    let back = fake.pay(authority.as_str());
    assert!(back.starts_with("https://shop.example/pay/zarinpal?order=7&"), "{back}");
    assert_eq!(query(&back, "Status").as_deref(), Some("OK"));
    let returned = Authority::parse(&query(&back, "Authority").unwrap()).unwrap();
    assert_eq!(returned, authority);

    let first = zp.verify(&merchant(), 250_000, Currency::Irr, &returned).await.unwrap();
    let Verification::Paid { ref_id, card_pan, fee, already_verified } = first.clone() else {
        panic!("expected Paid, got {first:?}");
    };
    assert!(!already_verified);
    assert!(ref_id > 0);
    assert_eq!(fee, 2_500);
    let pan = card_pan.unwrap();
    assert!(pan.starts_with("603799******") && pan.len() == 16, "{pan}");

    // A repeated verify (a retry after a lost answer) gets the same payment, as 101.
    let again = zp.verify(&merchant(), 250_000, Currency::Irr, &returned).await.unwrap();
    assert_eq!(again, Verification::Paid { ref_id, card_pan: Some(pan), fee, already_verified: true });
    let stored = fake.payment(authority.as_str()).unwrap();
    assert!(stored.paid && stored.verified);
    assert_eq!(stored.verify_calls, 2);
    assert_eq!(stored.ref_id, Some(ref_id));
    assert_eq!(stored.verify_currency.as_deref(), Some("IRR"));
}

#[tokio::test]
async fn tomans_work_like_rials() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    let request = PaymentRequest { currency: Currency::Irt, email: Some("buyer@example.com".into()), ..order(25_000) };
    let authority = zp.request(&merchant(), &request).await.unwrap().authority;
    assert_eq!(fake.payment(authority.as_str()).unwrap().currency, "IRT");
    fake.pay(authority.as_str());
    let paid = zp.verify(&merchant(), 25_000, Currency::Irt, &authority).await.unwrap();
    assert!(paid.is_paid());
}

#[tokio::test]
async fn a_wrong_amount_is_a_mismatch_and_settles_nothing() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    let authority = zp.request(&merchant(), &order(100_000)).await.unwrap().authority;
    fake.pay(authority.as_str());

    let wrong = zp.verify(&merchant(), 10_000, Currency::Irr, &authority).await.unwrap();
    assert_eq!(wrong, Verification::AmountMismatch);
    assert!(!fake.payment(authority.as_str()).unwrap().verified);

    let right = zp.verify(&merchant(), 100_000, Currency::Irr, &authority).await.unwrap();
    assert!(matches!(right, Verification::Paid { already_verified: false, .. }), "{right:?}");
}

#[tokio::test]
async fn unpaid_cancelled_and_unknown_payments_are_not_paid() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);

    let unpaid = zp.request(&merchant(), &order(50_000)).await.unwrap().authority;
    let answer = zp.verify(&merchant(), 50_000, Currency::Irr, &unpaid).await.unwrap();
    assert!(matches!(answer, Verification::NotPaid { code: -51, ref message } if !message.is_empty()), "{answer:?}");

    let cancelled = zp.request(&merchant(), &order(50_000)).await.unwrap().authority;
    let back = fake.cancel(cancelled.as_str());
    assert_eq!(query(&back, "Status").as_deref(), Some("NOK"));
    assert_eq!(query(&back, "Authority").as_deref(), Some(cancelled.as_str()));
    let answer = zp.verify(&merchant(), 50_000, Currency::Irr, &cancelled).await.unwrap();
    assert!(matches!(answer, Verification::NotPaid { code: -51, .. }), "{answer:?}");

    // An authority the gateway never issued (a forged callback): -54.
    let forged = Authority::parse("A00000000000000000000000000000000001").unwrap();
    let answer = zp.verify(&merchant(), 50_000, Currency::Irr, &forged).await.unwrap();
    assert!(matches!(answer, Verification::NotPaid { code: -54, .. }), "{answer:?}");
}

#[tokio::test]
async fn refusals_are_read_whatever_their_http_status() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    let authority = zp.request(&merchant(), &order(50_000)).await.unwrap().authority;
    for status in [422, 400, 200] {
        fake.set_error_status(status);
        let answer = zp.verify(&merchant(), 50_000, Currency::Irr, &authority).await.unwrap();
        assert!(matches!(answer, Verification::NotPaid { code: -51, .. }), "HTTP {status}: {answer:?}");
    }
}

#[tokio::test]
async fn another_merchants_payment_is_a_gateway_error() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    let other = MerchantId::parse(OTHER_MERCHANT).unwrap();
    let authority = zp.request(&other, &order(50_000)).await.unwrap().authority;
    fake.pay(authority.as_str());
    let err = zp.verify(&merchant(), 50_000, Currency::Irr, &authority).await.unwrap_err();
    assert_eq!(err.gateway_code(), Some(-53));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn invalid_requests_and_unknown_merchants_are_refused() {
    let fake = FakeZarinpal::start().await;
    fake.accept_merchant(MERCHANT);
    let zp = client(&fake);

    let err = zp.request(&merchant(), &order(5_000)).await.unwrap_err();
    assert!(matches!(&err, ZarinpalError::Gateway { code: -9, message } if message.contains("amount")), "{err:?}");
    assert!(!err.is_retryable());
    assert_no_secret(&err);

    let bad_mobile = PaymentRequest { mobile: Some("+989121234567".into()), ..order(50_000) };
    let err = zp.request(&merchant(), &bad_mobile).await.unwrap_err();
    assert!(matches!(&err, ZarinpalError::Gateway { code: -9, message } if message.contains("mobile")), "{err:?}");

    let ftp = PaymentRequest { callback_url: Url::parse("ftp://shop.example/cb").unwrap(), ..order(50_000) };
    let err = zp.request(&merchant(), &ftp).await.unwrap_err();
    assert!(matches!(&err, ZarinpalError::Gateway { code: -9, message } if message.contains("callback")), "{err:?}");

    let stranger = MerchantId::parse(OTHER_MERCHANT).unwrap();
    let err = zp.request(&stranger, &order(50_000)).await.unwrap_err();
    assert_eq!(err.gateway_code(), Some(-10));
    assert!(!err.to_string().contains(OTHER_MERCHANT));
    let err = zp.unverified(&stranger).await.unwrap_err();
    assert_eq!(err.gateway_code(), Some(-10));

    assert!(fake.authorities().is_empty());
}

#[tokio::test]
async fn unverified_lists_paid_payments_nobody_verified() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    let other = MerchantId::parse(OTHER_MERCHANT).unwrap();
    let mut authorities = Vec::new();
    for amount in [10_000, 20_000, 30_000, 40_000] {
        authorities.push(zp.request(&merchant(), &order(amount)).await.unwrap().authority);
    }
    let foreign = zp.request(&other, &order(50_000)).await.unwrap().authority;
    fake.pay(foreign.as_str());
    assert_eq!(zp.unverified(&merchant()).await.unwrap(), Vec::<Unverified>::new());

    fake.pay(authorities[0].as_str());
    fake.pay(authorities[1].as_str());
    fake.pay(authorities[2].as_str());
    fake.cancel(authorities[3].as_str());
    zp.verify(&merchant(), 20_000, Currency::Irr, &authorities[1]).await.unwrap();

    let listed = zp.unverified(&merchant()).await.unwrap();
    assert_eq!(
        listed,
        vec![
            Unverified { authority: authorities[0].clone(), amount: 10_000 },
            Unverified { authority: authorities[2].clone(), amount: 30_000 },
        ]
    );

    // The reconciliation job verifies them; someone else got to one first.
    fake.mark_verified(authorities[2].as_str());
    let answer = zp.verify(&merchant(), 30_000, Currency::Irr, &authorities[2]).await.unwrap();
    assert!(matches!(answer, Verification::Paid { already_verified: true, .. }), "{answer:?}");
    zp.verify(&merchant(), 10_000, Currency::Irr, &authorities[0]).await.unwrap();
    assert!(zp.unverified(&merchant()).await.unwrap().is_empty());
    assert_eq!(zp.unverified(&other).await.unwrap().len(), 1);
}

#[tokio::test]
async fn server_errors_are_retryable_statuses() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake);
    fake.fail_next(2, 502);
    for _ in 0..2 {
        let err = zp.request(&merchant(), &order(50_000)).await.unwrap_err();
        assert_eq!(err, ZarinpalError::Status(502));
        assert!(err.is_retryable());
        assert_no_secret(&err);
    }
    assert!(fake.authorities().is_empty());
    fake.fail_next(1, 404);
    let err = zp.unverified(&merchant()).await.unwrap_err();
    assert_eq!(err, ZarinpalError::Status(404));
    assert!(!err.is_retryable());
    // The outage is over.
    assert!(zp.request(&merchant(), &order(50_000)).await.is_ok());
    assert_eq!(fake.requests(), 4);
}

#[tokio::test]
async fn a_slow_gateway_is_a_retryable_transport_error() {
    let fake = FakeZarinpal::start().await;
    let zp = client(&fake).with_timeout(Duration::from_millis(200));
    fake.delay_next(1, Duration::from_millis(800));
    let err = zp.request(&merchant(), &order(50_000)).await.unwrap_err();
    assert!(matches!(err, ZarinpalError::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_no_secret(&err);
    assert!(!err.to_string().contains("127.0.0.1"), "{err}");

    // The timed-out request still happened at the gateway: an unused authority.
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(fake.authorities().len(), 1);
    // A retry opens a second session; the first simply stays unpaid.
    assert!(zp.request(&merchant(), &order(50_000)).await.is_ok());
    assert_eq!(fake.authorities().len(), 2);
}

#[tokio::test]
async fn an_unreachable_gateway_is_a_retryable_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let zp = Zarinpal::new(reqwest::Client::new(), Url::parse(&base).unwrap());
    let authority = Authority::parse("A00000000000000000000000000000000001").unwrap();
    let err = zp.verify(&merchant(), 50_000, Currency::Irr, &authority).await.unwrap_err();
    assert!(matches!(err, ZarinpalError::Transport(_)), "{err:?}");
    assert!(err.is_retryable());
    assert_no_secret(&err);
    assert!(!err.to_string().contains(&base), "{err}");
}

#[test]
fn merchant_ids_are_checked_and_never_shown() {
    let id = merchant();
    assert_eq!(id.expose(), MERCHANT);
    assert_eq!(format!("{id:?}"), "MerchantId(***)");
    let request = format!("{:?}", (id.clone(), order(50_000)));
    assert!(!request.contains(MERCHANT));
    for bad in ["", "merchant", "1344b5d4-0048-11e8-94db-005056a205b", "1344b5d4-0048-11e8-94db-005056a205bz"] {
        let err = MerchantId::parse(bad).unwrap_err();
        assert_eq!(err, InvalidValue::MerchantId);
    }
    assert!(
        format!(
            "{:?}",
            Zarinpal::new(reqwest::Client::new(), Url::parse("https://u:p@payment.zarinpal.com/").unwrap())
        )
        .contains("payment.zarinpal.com")
    );
    assert!(
        !format!(
            "{:?}",
            Zarinpal::new(reqwest::Client::new(), Url::parse("https://u:p@payment.zarinpal.com/").unwrap())
        )
        .contains("u:p")
    );
}
