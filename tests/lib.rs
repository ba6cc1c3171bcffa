//! Test-only package: the end-to-end tests of the `tempi` command are in `it/` (`cargo test -p tempi-tests`).
