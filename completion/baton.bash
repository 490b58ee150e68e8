# bash completion for baton: commands, subcommands and options as the installed binary's own
# --help lists them (so it never falls behind), staff ids for the options that take one, and
# files where a file is wanted. Installed as share/bash-completion/completions/baton.

_baton_words() { # _baton_words ARGS...: the command names a --help lists ("  name   summary")
    BATON_PAGER= LANGUAGE= LC_ALL=C command baton "$@" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'
}

_baton_options() { # _baton_options ARGS...: every --option a --help names
    BATON_PAGER= LANGUAGE= LC_ALL=C command baton "$@" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

_baton() {
    local cur prev i cmd="" sub="" has_subs
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # the command and subcommand typed so far (skipping global options and their values)
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --store | --as) ((i++)) ;;
        -*) ;;
        *)
            if [[ -z $cmd ]]; then
                cmd=${COMP_WORDS[i]}
            elif [[ -z $sub ]]; then
                sub=${COMP_WORDS[i]}
            fi
            ;;
        esac
    done

    case $prev in
    --store | --path | --file | --output | -o | --map)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --as | --to | --from | --contact | --responsible | --owner | --staff | --for)
        COMPREPLY=($(compgen -W "$(BATON_PAGER= LANGUAGE= LC_ALL=C command baton staff list 2>/dev/null | awk '{print $1}')" -- "$cur"))
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "text markdown html json" -- "$cur"))
        return
        ;;
    --language)
        COMPREPLY=($(compgen -W "da sv nb en" -- "$cur"))
        return
        ;;
    --role)
        [[ $cmd == staff ]] && COMPREPLY=($(compgen -W "teacher pedagogue coordinator psychologist leader other" -- "$cur"))
        return
        ;;
    --kind)
        [[ $cmd == journal ]] && COMPREPLY=($(compgen -W "contact meeting observation status_update decision" -- "$cur"))
        [[ $cmd == validate ]] && COMPREPLY=($(compgen -W "case staff store journal handover trust" -- "$cur"))
        return
        ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--store --as --help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_baton_words) help" -- "$cur"))
        fi
        return
    fi
    has_subs=$(BATON_PAGER= LANGUAGE= LC_ALL=C command baton "$cmd" --help 2>/dev/null | grep -c "^usage: baton $cmd <command>")
    if [[ $has_subs -gt 0 && -z $sub ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_baton_words "$cmd")" -- "$cur"))
        fi
        return
    fi
    if [[ $cur == -* ]]; then
        if [[ -n $sub ]]; then
            COMPREPLY=($(compgen -W "$(_baton_options "$cmd" "$sub") --as --store --purpose --help" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_baton_options "$cmd") --as --store --purpose --help" -- "$cur"))
        fi
    fi
}
complete -F _baton baton
