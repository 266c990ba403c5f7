"""Generated from grammar/dockerfile.lark by `python -m slimfix.syntax.generate` with lark 1.3.

Do not edit: change the grammar and regenerate. Read by lalr.py; per escape
character: actions[state][symbol] is a target state to shift to (>= 0) or
~rule to reduce by; rules are (origin, child shape, callback); lexers list
terminal names in the order they are tried.
"""

# fmt: off
TABLES = {
    '\\': {
        'terminals': {
            'BLANK_LINE': '[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\n|[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+\\Z',
            'COMMENT_LINE': '[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*#[^\n]*(?:\n|\\Z)',
            'CONTINUED_LINE': '[^\n]*(?<!\\\\)\\\\[ \t]*\r*(?:\n|\\Z)',
            'TEXT_LINE': '[^\n]*\n|[^\n]+\\Z',
        },
        'lexers': (
            ('BLANK_LINE', 'COMMENT_LINE', 'CONTINUED_LINE', 'TEXT_LINE'),
            (),
        ),
        'lexer_of_state': (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        'actions': (
            {'$END': -18, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '__start_star_0': 5, '_item': 6, '_lines': 7, 'blank': 8, 'comment': 9, 'instruction': 10, 'start': 11},  # 0
            {'$END': -15, 'BLANK_LINE': -15, 'COMMENT_LINE': -15, 'CONTINUED_LINE': -15, 'TEXT_LINE': -15},  # 1
            {'$END': -16, 'BLANK_LINE': -16, 'COMMENT_LINE': -16, 'CONTINUED_LINE': -16, 'TEXT_LINE': -16},  # 2
            {'$END': -8, 'BLANK_LINE': 12, 'COMMENT_LINE': 13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 14, '_lines': 15, '_skipped': 16},  # 3
            {'$END': -12, 'BLANK_LINE': -12, 'COMMENT_LINE': -12, 'CONTINUED_LINE': -12, 'TEXT_LINE': -12},  # 4
            {'$END': -19, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '_item': 17, '_lines': 7, 'blank': 8, 'comment': 9, 'instruction': 10},  # 5
            {'$END': -4, 'BLANK_LINE': -4, 'COMMENT_LINE': -4, 'CONTINUED_LINE': -4, 'TEXT_LINE': -4},  # 6
            {'$END': -17, 'BLANK_LINE': -17, 'COMMENT_LINE': -17, 'CONTINUED_LINE': -17, 'TEXT_LINE': -17},  # 7
            {'$END': -5, 'BLANK_LINE': -5, 'COMMENT_LINE': -5, 'CONTINUED_LINE': -5, 'TEXT_LINE': -5},  # 8
            {'$END': -6, 'BLANK_LINE': -6, 'COMMENT_LINE': -6, 'CONTINUED_LINE': -6, 'TEXT_LINE': -6},  # 9
            {'$END': -7, 'BLANK_LINE': -7, 'COMMENT_LINE': -7, 'CONTINUED_LINE': -7, 'TEXT_LINE': -7},  # 10
            {},  # 11
            {'$END': -13, 'BLANK_LINE': -13, 'COMMENT_LINE': -13, 'CONTINUED_LINE': -13, 'TEXT_LINE': -13},  # 12
            {'$END': -14, 'BLANK_LINE': -14, 'COMMENT_LINE': -14, 'CONTINUED_LINE': -14, 'TEXT_LINE': -14},  # 13
            {'$END': -9, 'BLANK_LINE': 12, 'COMMENT_LINE': 13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '_lines': 18, '_skipped': 19},  # 14
            {'$END': -11, 'BLANK_LINE': -11, 'COMMENT_LINE': -11, 'CONTINUED_LINE': -11, 'TEXT_LINE': -11},  # 15
            {'$END': -2, 'BLANK_LINE': -2, 'COMMENT_LINE': -2, 'CONTINUED_LINE': -2, 'TEXT_LINE': -2},  # 16
            {'$END': -3, 'BLANK_LINE': -3, 'COMMENT_LINE': -3, 'CONTINUED_LINE': -3, 'TEXT_LINE': -3},  # 17
            {'$END': -10, 'BLANK_LINE': -10, 'COMMENT_LINE': -10, 'CONTINUED_LINE': -10, 'TEXT_LINE': -10},  # 18
            {'$END': -1, 'BLANK_LINE': -1, 'COMMENT_LINE': -1, 'CONTINUED_LINE': -1, 'TEXT_LINE': -1},  # 19
        ),
        'rules': (
            ('___lines_star_1', 'ss', None),  # 0 ___lines_star_1: ___lines_star_1 _skipped
            ('___lines_star_1', 's', None),  # 1 ___lines_star_1: _skipped
            ('__start_star_0', 'ss', None),  # 2 __start_star_0: __start_star_0 _item
            ('__start_star_0', 's', None),  # 3 __start_star_0: _item
            ('_item', 'k', None),  # 4 _item: blank
            ('_item', 'k', None),  # 5 _item: comment
            ('_item', 'k', None),  # 6 _item: instruction
            ('_lines', 'k', None),  # 7 _lines: CONTINUED_LINE
            ('_lines', 'ks', None),  # 8 _lines: CONTINUED_LINE ___lines_star_1
            ('_lines', 'kss', None),  # 9 _lines: CONTINUED_LINE ___lines_star_1 _lines
            ('_lines', 'ks', None),  # 10 _lines: CONTINUED_LINE _lines
            ('_lines', 'k', None),  # 11 _lines: TEXT_LINE
            ('_skipped', 'k', None),  # 12 _skipped: BLANK_LINE
            ('_skipped', 'k', None),  # 13 _skipped: COMMENT_LINE
            ('blank', 'k', 'blank'),  # 14 blank: BLANK_LINE
            ('comment', 'k', 'comment'),  # 15 comment: COMMENT_LINE
            ('instruction', 's', 'instruction'),  # 16 instruction: _lines
            ('start', '', 'start'),  # 17 start:
            ('start', 's', 'start'),  # 18 start: __start_star_0
        ),
        'start': 0,
        'end': 11,
    },
    '`': {
        'terminals': {
            'BLANK_LINE': '[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\n|[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+\\Z',
            'COMMENT_LINE': '[\t\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*#[^\n]*(?:\n|\\Z)',
            'CONTINUED_LINE': '[^\n]*(?<!`)`[ \t]*\r*(?:\n|\\Z)',
            'TEXT_LINE': '[^\n]*\n|[^\n]+\\Z',
        },
        'lexers': (
            ('BLANK_LINE', 'COMMENT_LINE', 'CONTINUED_LINE', 'TEXT_LINE'),
            (),
        ),
        'lexer_of_state': (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        'actions': (
            {'$END': -18, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '__start_star_0': 5, '_item': 6, '_lines': 7, 'blank': 8, 'comment': 9, 'instruction': 10, 'start': 11},  # 0
            {'$END': -15, 'BLANK_LINE': -15, 'COMMENT_LINE': -15, 'CONTINUED_LINE': -15, 'TEXT_LINE': -15},  # 1
            {'$END': -16, 'BLANK_LINE': -16, 'COMMENT_LINE': -16, 'CONTINUED_LINE': -16, 'TEXT_LINE': -16},  # 2
            {'$END': -8, 'BLANK_LINE': 12, 'COMMENT_LINE': 13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 14, '_lines': 15, '_skipped': 16},  # 3
            {'$END': -12, 'BLANK_LINE': -12, 'COMMENT_LINE': -12, 'CONTINUED_LINE': -12, 'TEXT_LINE': -12},  # 4
            {'$END': -19, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '_item': 17, '_lines': 7, 'blank': 8, 'comment': 9, 'instruction': 10},  # 5
            {'$END': -4, 'BLANK_LINE': -4, 'COMMENT_LINE': -4, 'CONTINUED_LINE': -4, 'TEXT_LINE': -4},  # 6
            {'$END': -17, 'BLANK_LINE': -17, 'COMMENT_LINE': -17, 'CONTINUED_LINE': -17, 'TEXT_LINE': -17},  # 7
            {'$END': -5, 'BLANK_LINE': -5, 'COMMENT_LINE': -5, 'CONTINUED_LINE': -5, 'TEXT_LINE': -5},  # 8
            {'$END': -6, 'BLANK_LINE': -6, 'COMMENT_LINE': -6, 'CONTINUED_LINE': -6, 'TEXT_LINE': -6},  # 9
            {'$END': -7, 'BLANK_LINE': -7, 'COMMENT_LINE': -7, 'CONTINUED_LINE': -7, 'TEXT_LINE': -7},  # 10
            {},  # 11
            {'$END': -13, 'BLANK_LINE': -13, 'COMMENT_LINE': -13, 'CONTINUED_LINE': -13, 'TEXT_LINE': -13},  # 12
            {'$END': -14, 'BLANK_LINE': -14, 'COMMENT_LINE': -14, 'CONTINUED_LINE': -14, 'TEXT_LINE': -14},  # 13
            {'$END': -9, 'BLANK_LINE': 12, 'COMMENT_LINE': 13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '_lines': 18, '_skipped': 19},  # 14
            {'$END': -11, 'BLANK_LINE': -11, 'COMMENT_LINE': -11, 'CONTINUED_LINE': -11, 'TEXT_LINE': -11},  # 15
            {'$END': -2, 'BLANK_LINE': -2, 'COMMENT_LINE': -2, 'CONTINUED_LINE': -2, 'TEXT_LINE': -2},  # 16
            {'$END': -3, 'BLANK_LINE': -3, 'COMMENT_LINE': -3, 'CONTINUED_LINE': -3, 'TEXT_LINE': -3},  # 17
            {'$END': -10, 'BLANK_LINE': -10, 'COMMENT_LINE': -10, 'CONTINUED_LINE': -10, 'TEXT_LINE': -10},  # 18
            {'$END': -1, 'BLANK_LINE': -1, 'COMMENT_LINE': -1, 'CONTINUED_LINE': -1, 'TEXT_LINE': -1},  # 19
        ),
        'rules': (
            ('___lines_star_1', 'ss', None),  # 0 ___lines_star_1: ___lines_star_1 _skipped
            ('___lines_star_1', 's', None),  # 1 ___lines_star_1: _skipped
            ('__start_star_0', 'ss', None),  # 2 __start_star_0: __start_star_0 _item
            ('__start_star_0', 's', None),  # 3 __start_star_0: _item
            ('_item', 'k', None),  # 4 _item: blank
            ('_item', 'k', None),  # 5 _item: comment
            ('_item', 'k', None),  # 6 _item: instruction
            ('_lines', 'k', None),  # 7 _lines: CONTINUED_LINE
            ('_lines', 'ks', None),  # 8 _lines: CONTINUED_LINE ___lines_star_1
            ('_lines', 'kss', None),  # 9 _lines: CONTINUED_LINE ___lines_star_1 _lines
            ('_lines', 'ks', None),  # 10 _lines: CONTINUED_LINE _lines
            ('_lines', 'k', None),  # 11 _lines: TEXT_LINE
            ('_skipped', 'k', None),  # 12 _skipped: BLANK_LINE
            ('_skipped', 'k', None),  # 13 _skipped: COMMENT_LINE
            ('blank', 'k', 'blank'),  # 14 blank: BLANK_LINE
            ('comment', 'k', 'comment'),  # 15 comment: COMMENT_LINE
            ('instruction', 's', 'instruction'),  # 16 instruction: _lines
            ('start', '', 'start'),  # 17 start:
            ('start', 's', 'start'),  # 18 start: __start_star_0
        ),
        'start': 0,
        'end': 11,
    },
}
