//! What an import did, or why it did nothing: the counts, or every problem with its line.

use std::fmt;

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Persons that were not in the mirror.
    pub persons_created: usize,
    /// Known persons whose data or legal representatives changed.
    pub persons_updated: usize,
    /// Known persons already as the file describes them.
    pub persons_unchanged: usize,
    /// Properties that were not in the mirror.
    pub properties_created: usize,
    /// Known properties whose data, owners or tenants changed.
    pub properties_updated: usize,
    /// Known properties already as the file describes them.
    pub properties_unchanged: usize,
    /// Organisations (administrations of hostels) that were not in the mirror.
    pub organisations_created: usize,
    /// Known organisations whose name or consent roles changed.
    pub organisations_updated: usize,
    /// Known organisations already as the file describes them.
    pub organisations_unchanged: usize,
    /// Powers of attorney that were not in the mirror.
    pub powers_of_attorney_created: usize,
    /// Known powers of attorney (by number) whose data changed, a revocation for one.
    pub powers_of_attorney_updated: usize,
    /// Known powers of attorney already as the file describes them.
    pub powers_of_attorney_unchanged: usize,
    /// Documents the state issued (by kind and number) that were not in the mirror.
    pub documents_created: usize,
    /// Known documents whose data changed, an invalidation (a lost card) for one.
    pub documents_updated: usize,
    /// Known documents already as the file describes them.
    pub documents_unchanged: usize,
    /// Every problem found, in line order. When not empty, nothing was written and the counts
    /// are zero.
    pub errors: Vec<ImportError>,
}

impl ImportReport {
    /// Whether the file was imported (it had no bad row).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The line in the file, counted from 1 (blank and comment lines count).
    pub line: usize,
    /// What is wrong, naming the field (`owners[1].share: …`). It never quotes an identifier
    /// the domain types refused, as these messages may end up in logs.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// For the CLI: either the counts, or every problem, one per line.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            write!(
                f,
                "imported: persons {} created, {} updated, {} unchanged; \
                 properties {} created, {} updated, {} unchanged; \
                 organisations {} created, {} updated, {} unchanged; \
                 powers of attorney {} created, {} updated, {} unchanged; \
                 documents {} created, {} updated, {} unchanged",
                self.persons_created,
                self.persons_updated,
                self.persons_unchanged,
                self.properties_created,
                self.properties_updated,
                self.properties_unchanged,
                self.organisations_created,
                self.organisations_updated,
                self.organisations_unchanged,
                self.powers_of_attorney_created,
                self.powers_of_attorney_updated,
                self.powers_of_attorney_unchanged,
                self.documents_created,
                self.documents_updated,
                self.documents_unchanged,
            )
        } else {
            let rows = {
                let mut lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
                lines.dedup();
                lines.len()
            };
            write!(
                f,
                "nothing imported: {} problem(s) on {} line(s)",
                self.errors.len(),
                rows
            )?;
            for error in &self.errors {
                write!(f, "\n{error}")?;
            }
            Ok(())
        }
    }
}
