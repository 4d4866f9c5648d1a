//! `pressroom serve`: build in memory, serve on loopback, rebuild on change, live reload.

pub mod http;
