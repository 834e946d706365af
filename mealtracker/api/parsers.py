"""Request body parsers of the API."""

import codecs

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

from mealtracker import bounded_json


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than `bounded_json.MAX_DEPTH` (a 400, never a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            parse_constant = json.strict_constant if self.strict else None
            return bounded_json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:  # UnicodeDecodeError and a too deep document are ValueErrors too
            raise ParseError(f"JSON parse error - {exc}") from exc
