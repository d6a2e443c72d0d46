"""A personal ledger: bank statement import and monthly summaries."""
