//! HTTP-level tests: the real router over a fresh database per test, driven the way a
//! browser drives it (cookies, CSRF tokens, form posts), on SQLite and PostgreSQL.

mod support;

mod accounts;
mod admin;
mod annual_property;
mod authz;
mod certificates;
mod cycles;
mod exports;
mod jobs;
mod moves;
mod orgs;
mod platform;
mod races;
mod records;
mod recovery;
mod review;
mod security;
mod worked_example;
