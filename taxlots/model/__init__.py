"""Pure data types shared by every layer. Imports only the standard library."""
