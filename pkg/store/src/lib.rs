//! Store API: the repository trait, its record types, and the contract test suite every backend passes
