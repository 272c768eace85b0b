//! Pieces that more than one page shows.

pub mod limit_bar;
pub mod limit_chart;
pub mod problem_view;
pub mod read_only_note;
pub mod safeguard_editor;
pub mod status_badge;
