#!/usr/bin/env bash
# Tests the Vim support in editors/vim with a real, headless Vim: ftdetect sets
# filetype=flow, ftplugin sets the comment options, the syntax file gives the
# expected highlight groups at given positions of a sample file, and no
# character of examples/*.flow is highlighted as an error.
#
#   bash tests/editors/vim-syntax.sh
#
# Needs `vim` (apt-get install -y vim). Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v vim >/dev/null || { echo "error: vim is not installed (apt-get install -y vim)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sample. The checks below name its lines by number: keep them in step.
cat > "$work/sample.flow" <<'FLOW'
# TODO: a comment with "quotes", { braces } and 2d
use "team.flow"
role founder "Founder" # after code
tool zoho_crm "Zoho CRM" {
  url "https://example.com/#anchor"
  allow unused-tool, owner-overload
}
process p "P" {
  step step-2
  step owners
}
workflow w "W" implements p {
  step s "S # not a comment" {
    implements step-2
    tool phone, zoho_crm
    wait 30m
    within 2d
    automated
    run "say \"hi\" \\ \n \t \u{1F600} and \q"
    description """
      Block # not a comment, "quotes", \n and 2d
      """
    within 1w
  }
}
workflow v2 "V2" implements p {
  input brief
  target 3d
  every 1w
  step a {
    owner escalate
    decides hot_lead "Is it hot?"
    takes 2h
    with founder, escalate
    escalate founder
  }
  step b {
    when not hot_lead, "text"
    rework a when not hot_lead
  }
}
FLOW

cat > "$work/check.vim" <<'VIM'
let s:failures = []
let s:checks = 0

" The groups a syntax item is highlighted with: its own, then every group it
" links to, down to synIDtrans()'s. (Vim's default colors link String and
" Number to Constant, so the final group alone would not tell them apart.)
" No highlighting gives [''].
function! s:Chain(id) abort
  let l:chain = []
  let l:name = synIDattr(a:id, 'name')
  while l:name !=# '' && index(l:chain, l:name) < 0
    call add(l:chain, l:name)
    let l:name = get(get(hlget(l:name), 0, {}), 'linksto', '')
  endwhile
  let l:final = synIDattr(synIDtrans(a:id), 'name')
  if index(l:chain, l:final) < 0
    call add(l:chain, l:final)
  endif
  return l:chain
endfunction

" One of `groups` must be the highlight group (or one it links to) at every character of the `nth` (0-based)
" occurrence of `text` on line `lnum` must be one of `groups`.
function! s:Expect(lnum, text, groups, ...) abort
  let l:nth = a:0 ? a:1 : 0
  let l:line = getline(a:lnum)
  let l:col = -1
  for l:i in range(l:nth + 1)
    let l:col = stridx(l:line, a:text, l:col + 1)
  endfor
  let s:checks += 1
  if l:col < 0
    call add(s:failures, printf('line %d: no %s in %s', a:lnum, string(a:text), string(l:line)))
    return
  endif
  for l:c in range(l:col + 1, l:col + strlen(a:text))
    let l:chain = s:Chain(synID(a:lnum, l:c, 1))
    if empty(filter(copy(a:groups), 'index(l:chain, v:val) >= 0'))
      call add(s:failures, printf('line %d, column %d (%s in %s): expected %s, got %s',
            \ a:lnum, l:c, string(l:line[l:c - 1]), string(a:text), join(a:groups, ' or '),
            \ empty(l:chain) ? 'no highlighting' : join(l:chain, ' -> ')))
      return
    endif
  endfor
endfunction

function! s:Equal(what, got, want) abort
  let s:checks += 1
  if a:got !=# a:want
    call add(s:failures, printf('%s: expected %s, got %s', a:what, string(a:want), string(a:got)))
  endif
endfunction

let s:kw = ['Statement', 'Keyword']

" ftdetect and ftplugin.
call s:Equal('filetype', &filetype, 'flow')
call s:Equal('commentstring', &l:commentstring, '# %s')
call s:Equal('comments', &l:comments, ':#')
call s:Equal('b:undo_ftplugin exists', exists('b:undo_ftplugin'), 1)
call s:Equal('b:current_syntax', get(b:, 'current_syntax', ''), 'flow')

" Comments.
call s:Expect(1, '# ', ['Comment'])
call s:Expect(1, 'TODO', ['Todo'])
call s:Expect(1, '"quotes", { braces } and 2d', ['Comment'])
call s:Expect(3, '# after code', ['Comment'])
" Keywords and declared names.
call s:Expect(2, 'use', s:kw)
call s:Expect(2, '"team.flow"', ['String'])
call s:Expect(3, 'role', s:kw)
call s:Expect(3, 'founder', ['Type'])
call s:Expect(3, '"Founder"', ['String'])
call s:Expect(4, 'tool', s:kw)
call s:Expect(4, 'zoho_crm', ['Type'])
call s:Expect(4, '{', ['Delimiter'])
call s:Expect(5, 'url', s:kw)
call s:Expect(8, 'process', s:kw)
call s:Expect(8, 'p', ['Type'], 1)
call s:Expect(9, 'step', s:kw)
call s:Expect(9, 'step-2', ['Function'])
call s:Expect(10, 'owners', ['Function'])
call s:Expect(12, 'workflow', s:kw)
call s:Expect(12, 'w', ['Type'], 2)
call s:Expect(12, '"W"', ['String'])
call s:Expect(12, 'implements', s:kw)
call s:Expect(13, 's', ['Function'], 1)
call s:Expect(14, 'implements', s:kw)
call s:Expect(14, 'step-2', ['flowName'])
call s:Expect(15, 'tool', s:kw)
call s:Expect(15, 'phone', ['flowName'])
call s:Expect(15, ',', ['Delimiter'])
call s:Expect(18, 'automated', s:kw)
" Lint codes after `allow`.
call s:Expect(6, 'allow', s:kw)
call s:Expect(6, 'unused-tool', ['PreProc'])
call s:Expect(6, 'owner-overload', ['PreProc'])
" Strings, escapes and `#` inside strings.
call s:Expect(5, '"https://example.com/#anchor"', ['String'])
call s:Expect(13, '"S # not a comment"', ['String'])
call s:Expect(19, '"say ', ['String'])
call s:Expect(19, '\"', ['SpecialChar'])
call s:Expect(19, '\\', ['SpecialChar'])
call s:Expect(19, '\n', ['SpecialChar'])
call s:Expect(19, '\t', ['SpecialChar'])
call s:Expect(19, '\u{1F600}', ['SpecialChar'])
call s:Expect(19, '\q', ['Error'])
call s:Expect(19, ' and ', ['String'])
" Block strings: several lines, literal, `#` and `"` inside.
call s:Expect(20, 'description', s:kw)
call s:Expect(20, '"""', ['String'])
call s:Expect(21, 'Block # not a comment, "quotes", \n and 2d', ['String'])
call s:Expect(22, '"""', ['String'])
" Durations (the one after the block string shows the block ended).
call s:Expect(16, 'wait', s:kw)
call s:Expect(16, '30m', ['Number'])
call s:Expect(17, '2d', ['Number'])
call s:Expect(23, 'within', s:kw)
call s:Expect(23, '1w', ['Number'])
" Version 2: its words are keywords where an attribute starts and names where
" a name goes (`owner escalate`).
call s:Expect(27, 'input', s:kw)
call s:Expect(27, 'brief', ['flowName'])
call s:Expect(28, 'target', s:kw)
call s:Expect(28, '3d', ['Number'])
call s:Expect(29, 'every', s:kw)
call s:Expect(29, '1w', ['Number'])
call s:Expect(31, 'owner', s:kw)
call s:Expect(31, 'escalate', ['flowName'])
call s:Expect(32, 'decides', s:kw)
call s:Expect(32, 'hot_lead', ['Identifier'])
call s:Expect(32, '"Is it hot?"', ['String'])
call s:Expect(33, 'takes', s:kw)
call s:Expect(33, '2h', ['Number'])
call s:Expect(34, 'with', s:kw)
call s:Expect(34, 'escalate', ['flowName'])
call s:Expect(35, 'escalate', s:kw)
call s:Expect(35, 'founder', ['flowName'])
call s:Expect(38, 'when', s:kw)
call s:Expect(38, 'not', ['Operator'])
call s:Expect(38, 'hot_lead', ['Identifier'])
call s:Expect(38, '"text"', ['String'])
call s:Expect(39, 'rework', s:kw)
call s:Expect(39, 'a', ['flowReworkStep'])
call s:Expect(39, 'when', s:kw)
call s:Expect(39, 'not', ['Operator'])
call s:Expect(39, 'hot_lead', ['Identifier'])

" Every example file: detected as Flow, and nothing highlighted as an error.
let s:examples = glob($ROOT . '/examples/*.flow', 0, 1)
call s:Equal('number of example files > 0', empty(s:examples), 0)
for s:file in s:examples
  execute 'edit ' . fnameescape(s:file)
  let s:name = fnamemodify(s:file, ':t')
  call s:Equal(s:name . ': filetype', &filetype, 'flow')
  let s:checks += 1
  let s:bad = ''
  for s:lnum in range(1, line('$'))
    for s:col in range(1, strlen(getline(s:lnum)))
      if index(s:Chain(synID(s:lnum, s:col, 1)), 'Error') >= 0
        let s:bad = printf('%s:%d:%d: highlighted as an error: %s', s:name, s:lnum, s:col, getline(s:lnum))
        break
      endif
    endfor
    if s:bad !=# ''
      break
    endif
  endfor
  if s:bad !=# ''
    call add(s:failures, s:bad)
  endif
endfor

if empty(s:failures)
  call writefile([printf('vim: %d passed, 0 failed', s:checks)], $RESULT)
  qall!
endif
call writefile([printf('vim: %d passed, %d failed', s:checks - len(s:failures), len(s:failures))]
      \ + map(copy(s:failures), '"FAIL " . v:val'), $RESULT)
cquit!
VIM

export RESULT="$work/result.txt" ROOT="$root"
status=0
# -N -u NONE: no user configuration; the runtime path gets editors/vim first.
vim -Nu NONE -i NONE -es \
  --cmd "set rtp^=$root/editors/vim" \
  --cmd 'filetype plugin on' \
  --cmd 'syntax on' \
  -c "edit $work/sample.flow" \
  -S "$work/check.vim" </dev/null >/dev/null 2>&1 || status=$?

if [ ! -s "$RESULT" ]; then
  echo "error: Vim did not run the checks (exit code $status)" >&2
  exit 1
fi
cat "$RESULT"
if [ "$status" -ne 0 ] || grep -q '^FAIL' "$RESULT"; then
  echo "error: the Vim support in editors/vim failed (see FAIL lines above)" >&2
  exit 1
fi
