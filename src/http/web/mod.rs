//! The pages people read: server-rendered (askama), no JavaScript, in Italian or English,
//! with sessions and a CSRF token on every form.

pub mod account;
pub mod admin;
pub mod audit;
pub mod bulk;
pub mod buyer;
pub mod certificate;
pub mod directory;
pub mod feed;
pub mod forms;
pub mod lang;
pub mod product;
pub mod render;
pub mod session;
pub mod words;
pub mod workspace;
