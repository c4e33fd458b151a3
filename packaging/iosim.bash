# bash completion for iosim (installed as share/bash-completion/completions/iosim).
# Subcommands and options are read from iosim's own --help at completion time,
# so they follow the installed binary; --set completes the scenario's keys
# (from `iosim run SCENARIO --dump-config`), and `iosim keys` the key table's
# keys and sections (from `iosim keys`).

_iosim_keys() {  # the dotted keys of the scenario file on the command line
  local scen=$1
  [[ -f $scen ]] || return
  "$2" run "$scen" --dump-config 2>/dev/null | awk '
    /^#/ || NF == 0 { next }
    { match($0, /^ */); d = RLENGTH / 2; k = $1; sub(/:$/, "", k); path[d] = k
      s = path[0]; for (i = 1; i <= d; i++) s = s "." path[i]
      if ($0 !~ /:[ ]*$/) print s "=" }'
}

_iosim() {
  local cur prev words cword
  _init_completion -n = || return
  local iosim=${words[0]} sub="" i scen=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      -*) ;;
      *) if [[ -z $sub ]]; then sub=${words[i]}; elif [[ -z $scen && ${words[i-1]} != -* ]]; then scen=${words[i]}; fi ;;
    esac
  done
  if [[ -z $sub ]]; then
    local subs
    subs=$("$iosim" --help 2>/dev/null | awk '/^Subcommands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
    COMPREPLY=($(compgen -W "$subs --help --version" -- "$cur"))
    return
  fi
  case $prev in
    --out) _filedir -d; return ;;
    --baseline|--json) _filedir; return ;;
    --vcd) _filedir '@(vcd|fst)'; return ;;
    --trace-requests) _filedir csv; return ;;
    --update-doc) _filedir md; return ;;
    --table) _filedir '@(yaml|yml)'; return ;;
    --stacks|--a|--b|--factors)  # names listed in `iosim compare --help` / `iosim explain --help`
      local what=Stacks cmd=compare
      [[ $prev == --factors ]] && what=Factors cmd=explain
      COMPREPLY=($(compgen -W "$("$iosim" $cmd --help 2>/dev/null | awk -v w="$what:" '
        $0 == w { f = 1; next } f && !/^  [a-z]/ { f = 0 } f { k = $1; sub(/:$/, "", k); print k }')" -- "$cur"))
      return ;;
    --method) COMPREPLY=($(compgen -W "shapley sequential oat" -- "$cur")); return ;;
    --set)
      [[ -n $scen ]] && COMPREPLY=($(compgen -W "$(_iosim_keys "$scen" "$iosim")" -- "$cur"))
      compopt -o nospace 2>/dev/null
      return ;;
  esac
  if [[ $cur == -* ]]; then
    local opts
    opts=$("$iosim" "$sub" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,' | sort -u)
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  if [[ $sub == keys ]]; then  # a key or section of the key table (the first column of `iosim keys`)
    COMPREPLY=($(compgen -W "$("$iosim" keys 2>/dev/null | awk 'NR > 1 { k = $1; print k
      while (sub(/[.][^.]*$/, "", k)) print k }' | sort -u)" -- "$cur"))
    return
  fi
  _filedir '@(yaml|yml|diskspecs)'
  [[ $sub == disk-validate ]] && _filedir
}
complete -F _iosim iosim
