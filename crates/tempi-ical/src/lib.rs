//! RFC 5545 export and import (to come: see the feeds issue).
//!
//! Today this crate only names its place in the workspace; `tempi::ical` re-exports it.
