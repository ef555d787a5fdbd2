//! SeaORM entities: one module per table (the tables arrive with the API server issue).
