"""Languages: the theme's interface strings (gettext catalogs) and dates in the reader's
language (CLDR data, through Babel)."""
