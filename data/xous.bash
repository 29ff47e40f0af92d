# Bash completion for xous-run, xousctl and xousd (installed once, as
# xousctl, and linked under the other two names).
# SPDX-License-Identifier: MIT OR Apache-2.0

_xous_run()
{
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
  --image|-i) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  --socket|-s) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  --until|-u|--after|-a) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--image --until --after --socket --shell
      --no-servers --keep-going --verbose --help --version" -- "$cur"))
  else
    COMPREPLY=($(compgen -c -- "$cur") $(compgen -f -- "$cur"))
  fi
}

_xousctl()
{
  local cur prev i cmd=""
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
  --socket|-s|--chrome|-c) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  --duration|-d) return ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
    ps|servers|conns|kill|shutdown|trace) cmd=${COMP_WORDS[i]} ;;
    esac
  done
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--socket --json --sids --chrome --duration
      --help --version" -- "$cur"))
  elif [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "ps servers conns kill shutdown trace" -- "$cur"))
  fi
}

_xousd()
{
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
  --socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(xousd --help 2>/dev/null |
      grep -o -- '--[a-z-]*' | sort -u)" -- "$cur"))
  fi
}

complete -F _xous_run xous-run
complete -F _xousctl xousctl
complete -F _xousd xousd
