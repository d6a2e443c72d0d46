"""Invoices and payment plans for a small web shop. Amounts are integer cents throughout."""
