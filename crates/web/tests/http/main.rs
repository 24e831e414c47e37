//! HTTP-level tests: the real router over a fresh database per test, driven the way a
//! browser drives it (cookies, CSRF tokens, form posts), on SQLite and PostgreSQL.

mod support;

mod accounts;
mod admin;
mod authz;
mod certificates;
mod cycles;
mod exports;
mod moves;
mod orgs;
mod records;
mod recovery;
mod review;
mod security;
