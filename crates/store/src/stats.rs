//! Aggregates for the API's and admins' statistics (filled in by the API work).
