//! Simulated exchange: seeded random-walk market served in real venues' public ticker API formats, with fault injection
