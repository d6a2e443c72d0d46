"""Product listings for the storefront API: filtering, sorting and pagination."""
