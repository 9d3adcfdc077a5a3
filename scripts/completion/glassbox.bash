# bash completion for glassbox (installed by `make install` into
# PREFIX/share/bash-completion/completions/glassbox). Commands and flags are read from the
# program's own --help text, so they cannot drift from it; container, image, network and
# volume names from `glassbox ps -a`, `images`, `network ls` and `volume ls`.

_glassbox_words() { # glassbox ARGS: column 1 of each row after the header
    "${_glassbox_bin:-glassbox}" "$@" 2>/dev/null | awk 'NR > 1 && $1 != "" {print $1}'
}

_glassbox_volumes() { # `volume ls`: DRIVER, then the name
    "${_glassbox_bin:-glassbox}" volume ls 2>/dev/null | awk 'NR > 1 {print $2}'
}

_glassbox() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd="" i
    _glassbox_bin=${COMP_WORDS[0]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --root | --data-root) ((i++)) ;;
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [ -z "$cmd" ]; then # the commands: the indented words of `glassbox --help`
        local cmds
        cmds=$("$_glassbox_bin" --help 2>/dev/null | awk '/^  [a-z]/ {print $1}')
        COMPREPLY=($(compgen -W "$cmds --root --data-root --help" -- "$cur"))
        return
    fi
    case $prev in
    --network | --net) COMPREPLY=($(compgen -W "$(_glassbox_words network ls) none host bridge" -- "$cur")); return ;;
    -v | --volume | --mount) COMPREPLY=($(compgen -W "$(_glassbox_volumes)" -- "$cur")); compopt -o default 2>/dev/null; return ;;
    --events | --security-opt | -f | --file) compopt -o default 2>/dev/null; COMPREPLY=(); return ;;
    esac
    if [[ $cur == -* ]]; then # the flags of `glassbox CMD --help`
        local flags
        flags=$("$_glassbox_bin" "$cmd" --help 2>/dev/null | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u)
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi
    case $cmd in
    run | create | history | rmi) COMPREPLY=($(compgen -W "$(_glassbox_words images)" -- "$cur")) ;;
    start | stop | kill | rm | logs | exec | attach | top | inspect | probe | stats | pause | resume | diff)
        COMPREPLY=($(compgen -W "$("$_glassbox_bin" ps -a 2>/dev/null | awk 'NR > 1 {print $1; print $2}')" -- "$cur")) ;;
    network) COMPREPLY=($(compgen -W "create ls inspect rm prune $(_glassbox_words network ls)" -- "$cur")) ;;
    volume) COMPREPLY=($(compgen -W "create ls inspect rm $(_glassbox_volumes)" -- "$cur")) ;;
    lab) COMPREPLY=($(compgen -W "list show check $("$_glassbox_bin" lab list 2>/dev/null | awk '/^[0-9][0-9] / {print $1 + 0}')" -- "$cur")) ;;
    compose) COMPREPLY=($(compgen -W "up down build ps logs exec config" -- "$cur")) ;;
    vm) COMPREPLY=($(compgen -W "kernel accel run" -- "$cur")) ;;
    build) compopt -o dirnames 2>/dev/null; COMPREPLY=() ;;
    esac
}
complete -F _glassbox glassbox
