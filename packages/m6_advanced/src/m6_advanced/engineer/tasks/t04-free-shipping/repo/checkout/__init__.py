"""The web shop's checkout: carts, shipping and the order summary."""
