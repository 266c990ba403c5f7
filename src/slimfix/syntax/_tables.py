"""Generated from grammar/dockerfile.lark by `python -m slimfix.regenerate` with lark 1.3.

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
        'lexer_of_state': (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        'actions': (
            {'$END': -20, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 5, '__start_star_0': 6, '_continued': 7, '_item': 8, '_lines': 9, 'blank': 10, 'comment': 11, 'instruction': 12, 'start': 13},  # 0
            {'$END': -17, 'BLANK_LINE': -17, 'COMMENT_LINE': -17, 'CONTINUED_LINE': -17, 'TEXT_LINE': -17},  # 1
            {'$END': -18, 'BLANK_LINE': -18, 'COMMENT_LINE': -18, 'CONTINUED_LINE': -18, 'TEXT_LINE': -18},  # 2
            {'$END': -7, 'BLANK_LINE': 14, 'COMMENT_LINE': 15, 'CONTINUED_LINE': -7, 'TEXT_LINE': -7, '___continued_star_2': 16, '_skipped': 17},  # 3
            {'$END': -12, 'BLANK_LINE': -12, 'COMMENT_LINE': -12, 'CONTINUED_LINE': -12, 'TEXT_LINE': -12},  # 4
            {'$END': -13, 'BLANK_LINE': -13, 'COMMENT_LINE': -13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 18, '_continued': 19},  # 5
            {'$END': -21, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 5, '_continued': 7, '_item': 20, '_lines': 9, 'blank': 10, 'comment': 11, 'instruction': 12},  # 6
            {'$END': -4, 'BLANK_LINE': -4, 'COMMENT_LINE': -4, 'CONTINUED_LINE': -4, 'TEXT_LINE': -4},  # 7
            {'$END': -6, 'BLANK_LINE': -6, 'COMMENT_LINE': -6, 'CONTINUED_LINE': -6, 'TEXT_LINE': -6},  # 8
            {'$END': -19, 'BLANK_LINE': -19, 'COMMENT_LINE': -19, 'CONTINUED_LINE': -19, 'TEXT_LINE': -19},  # 9
            {'$END': -9, 'BLANK_LINE': -9, 'COMMENT_LINE': -9, 'CONTINUED_LINE': -9, 'TEXT_LINE': -9},  # 10
            {'$END': -10, 'BLANK_LINE': -10, 'COMMENT_LINE': -10, 'CONTINUED_LINE': -10, 'TEXT_LINE': -10},  # 11
            {'$END': -11, 'BLANK_LINE': -11, 'COMMENT_LINE': -11, 'CONTINUED_LINE': -11, 'TEXT_LINE': -11},  # 12
            {},  # 13
            {'$END': -15, 'BLANK_LINE': -15, 'COMMENT_LINE': -15, 'CONTINUED_LINE': -15, 'TEXT_LINE': -15},  # 14
            {'$END': -16, 'BLANK_LINE': -16, 'COMMENT_LINE': -16, 'CONTINUED_LINE': -16, 'TEXT_LINE': -16},  # 15
            {'$END': -8, 'BLANK_LINE': 14, 'COMMENT_LINE': 15, 'CONTINUED_LINE': -8, 'TEXT_LINE': -8, '_skipped': 21},  # 16
            {'$END': -2, 'BLANK_LINE': -2, 'COMMENT_LINE': -2, 'CONTINUED_LINE': -2, 'TEXT_LINE': -2},  # 17
            {'$END': -14, 'BLANK_LINE': -14, 'COMMENT_LINE': -14, 'CONTINUED_LINE': -14, 'TEXT_LINE': -14},  # 18
            {'$END': -3, 'BLANK_LINE': -3, 'COMMENT_LINE': -3, 'CONTINUED_LINE': -3, 'TEXT_LINE': -3},  # 19
            {'$END': -5, 'BLANK_LINE': -5, 'COMMENT_LINE': -5, 'CONTINUED_LINE': -5, 'TEXT_LINE': -5},  # 20
            {'$END': -1, 'BLANK_LINE': -1, 'COMMENT_LINE': -1, 'CONTINUED_LINE': -1, 'TEXT_LINE': -1},  # 21
        ),
        'rules': (
            ('___continued_star_2', 'ss', None),  # 0 ___continued_star_2: ___continued_star_2 _skipped
            ('___continued_star_2', 's', None),  # 1 ___continued_star_2: _skipped
            ('___lines_star_1', 'ss', None),  # 2 ___lines_star_1: ___lines_star_1 _continued
            ('___lines_star_1', 's', None),  # 3 ___lines_star_1: _continued
            ('__start_star_0', 'ss', None),  # 4 __start_star_0: __start_star_0 _item
            ('__start_star_0', 's', None),  # 5 __start_star_0: _item
            ('_continued', 'k', None),  # 6 _continued: CONTINUED_LINE
            ('_continued', 'ks', None),  # 7 _continued: CONTINUED_LINE ___continued_star_2
            ('_item', 'k', None),  # 8 _item: blank
            ('_item', 'k', None),  # 9 _item: comment
            ('_item', 'k', None),  # 10 _item: instruction
            ('_lines', 'k', None),  # 11 _lines: TEXT_LINE
            ('_lines', 's', None),  # 12 _lines: ___lines_star_1
            ('_lines', 'sk', None),  # 13 _lines: ___lines_star_1 TEXT_LINE
            ('_skipped', 'k', None),  # 14 _skipped: BLANK_LINE
            ('_skipped', 'k', None),  # 15 _skipped: COMMENT_LINE
            ('blank', 'k', 'blank'),  # 16 blank: BLANK_LINE
            ('comment', 'k', 'comment'),  # 17 comment: COMMENT_LINE
            ('instruction', 's', 'instruction'),  # 18 instruction: _lines
            ('start', '', 'start'),  # 19 start:
            ('start', 's', 'start'),  # 20 start: __start_star_0
        ),
        'start': 0,
        'end': 13,
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
        'lexer_of_state': (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        'actions': (
            {'$END': -20, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 5, '__start_star_0': 6, '_continued': 7, '_item': 8, '_lines': 9, 'blank': 10, 'comment': 11, 'instruction': 12, 'start': 13},  # 0
            {'$END': -17, 'BLANK_LINE': -17, 'COMMENT_LINE': -17, 'CONTINUED_LINE': -17, 'TEXT_LINE': -17},  # 1
            {'$END': -18, 'BLANK_LINE': -18, 'COMMENT_LINE': -18, 'CONTINUED_LINE': -18, 'TEXT_LINE': -18},  # 2
            {'$END': -7, 'BLANK_LINE': 14, 'COMMENT_LINE': 15, 'CONTINUED_LINE': -7, 'TEXT_LINE': -7, '___continued_star_2': 16, '_skipped': 17},  # 3
            {'$END': -12, 'BLANK_LINE': -12, 'COMMENT_LINE': -12, 'CONTINUED_LINE': -12, 'TEXT_LINE': -12},  # 4
            {'$END': -13, 'BLANK_LINE': -13, 'COMMENT_LINE': -13, 'CONTINUED_LINE': 3, 'TEXT_LINE': 18, '_continued': 19},  # 5
            {'$END': -21, 'BLANK_LINE': 1, 'COMMENT_LINE': 2, 'CONTINUED_LINE': 3, 'TEXT_LINE': 4, '___lines_star_1': 5, '_continued': 7, '_item': 20, '_lines': 9, 'blank': 10, 'comment': 11, 'instruction': 12},  # 6
            {'$END': -4, 'BLANK_LINE': -4, 'COMMENT_LINE': -4, 'CONTINUED_LINE': -4, 'TEXT_LINE': -4},  # 7
            {'$END': -6, 'BLANK_LINE': -6, 'COMMENT_LINE': -6, 'CONTINUED_LINE': -6, 'TEXT_LINE': -6},  # 8
            {'$END': -19, 'BLANK_LINE': -19, 'COMMENT_LINE': -19, 'CONTINUED_LINE': -19, 'TEXT_LINE': -19},  # 9
            {'$END': -9, 'BLANK_LINE': -9, 'COMMENT_LINE': -9, 'CONTINUED_LINE': -9, 'TEXT_LINE': -9},  # 10
            {'$END': -10, 'BLANK_LINE': -10, 'COMMENT_LINE': -10, 'CONTINUED_LINE': -10, 'TEXT_LINE': -10},  # 11
            {'$END': -11, 'BLANK_LINE': -11, 'COMMENT_LINE': -11, 'CONTINUED_LINE': -11, 'TEXT_LINE': -11},  # 12
            {},  # 13
            {'$END': -15, 'BLANK_LINE': -15, 'COMMENT_LINE': -15, 'CONTINUED_LINE': -15, 'TEXT_LINE': -15},  # 14
            {'$END': -16, 'BLANK_LINE': -16, 'COMMENT_LINE': -16, 'CONTINUED_LINE': -16, 'TEXT_LINE': -16},  # 15
            {'$END': -8, 'BLANK_LINE': 14, 'COMMENT_LINE': 15, 'CONTINUED_LINE': -8, 'TEXT_LINE': -8, '_skipped': 21},  # 16
            {'$END': -2, 'BLANK_LINE': -2, 'COMMENT_LINE': -2, 'CONTINUED_LINE': -2, 'TEXT_LINE': -2},  # 17
            {'$END': -14, 'BLANK_LINE': -14, 'COMMENT_LINE': -14, 'CONTINUED_LINE': -14, 'TEXT_LINE': -14},  # 18
            {'$END': -3, 'BLANK_LINE': -3, 'COMMENT_LINE': -3, 'CONTINUED_LINE': -3, 'TEXT_LINE': -3},  # 19
            {'$END': -5, 'BLANK_LINE': -5, 'COMMENT_LINE': -5, 'CONTINUED_LINE': -5, 'TEXT_LINE': -5},  # 20
            {'$END': -1, 'BLANK_LINE': -1, 'COMMENT_LINE': -1, 'CONTINUED_LINE': -1, 'TEXT_LINE': -1},  # 21
        ),
        'rules': (
            ('___continued_star_2', 'ss', None),  # 0 ___continued_star_2: ___continued_star_2 _skipped
            ('___continued_star_2', 's', None),  # 1 ___continued_star_2: _skipped
            ('___lines_star_1', 'ss', None),  # 2 ___lines_star_1: ___lines_star_1 _continued
            ('___lines_star_1', 's', None),  # 3 ___lines_star_1: _continued
            ('__start_star_0', 'ss', None),  # 4 __start_star_0: __start_star_0 _item
            ('__start_star_0', 's', None),  # 5 __start_star_0: _item
            ('_continued', 'k', None),  # 6 _continued: CONTINUED_LINE
            ('_continued', 'ks', None),  # 7 _continued: CONTINUED_LINE ___continued_star_2
            ('_item', 'k', None),  # 8 _item: blank
            ('_item', 'k', None),  # 9 _item: comment
            ('_item', 'k', None),  # 10 _item: instruction
            ('_lines', 'k', None),  # 11 _lines: TEXT_LINE
            ('_lines', 's', None),  # 12 _lines: ___lines_star_1
            ('_lines', 'sk', None),  # 13 _lines: ___lines_star_1 TEXT_LINE
            ('_skipped', 'k', None),  # 14 _skipped: BLANK_LINE
            ('_skipped', 'k', None),  # 15 _skipped: COMMENT_LINE
            ('blank', 'k', 'blank'),  # 16 blank: BLANK_LINE
            ('comment', 'k', 'comment'),  # 17 comment: COMMENT_LINE
            ('instruction', 's', 'instruction'),  # 18 instruction: _lines
            ('start', '', 'start'),  # 19 start:
            ('start', 's', 'start'),  # 20 start: __start_star_0
        ),
        'start': 0,
        'end': 13,
    },
}
