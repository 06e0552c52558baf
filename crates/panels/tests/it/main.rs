//! The panel adapters against the testkit's fakes and the real Marzban, in
//! one test binary.

mod connect;
mod hiddify;
mod marzban;
mod marzban_contract;
mod marzneshin;
mod pasarguard_contract;
mod remnawave;
mod xui;
