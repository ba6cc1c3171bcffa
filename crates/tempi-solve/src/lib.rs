//! Meeting slots across members' availability (to come: see the solver issue).
//!
//! Today this crate only names its place in the workspace; `tempi::solve` re-exports it.
