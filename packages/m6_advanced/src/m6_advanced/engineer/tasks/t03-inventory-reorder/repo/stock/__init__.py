"""Warehouse stock levels and the weekly reorder run."""
