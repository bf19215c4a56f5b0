"""Sign-in and credentials: magic links, API tokens, the account, and who is signed in to a browser."""
