//! Tests of the three formats over one example label: what each document must hold for a
//! scanner and a reader, and what it must refuse.

mod fixture;
mod formats;
mod geometry;
mod refusals;
