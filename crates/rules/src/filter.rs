//! The System Log filter language (being written).
