//! Database migrations, shared by SQLite and PostgreSQL (they arrive with the API server issue).
