# bash completion for roster-enrich                                  -*- shell-script -*-
#
# Commands, every flag of every command (global options before or after the command), the values
# of --format, --progress, --log-format, --delimiter, --include (a comma-separated list) and
# --platform, of --providers (a list), --provider, --audit-period and --audit-track, platforms for `lookup PLATFORM`, and file names for rosters, outputs, state and key
# files. Self-contained: it needs no bash-completion helpers, so `source` it from ~/.bashrc or
# install it in /usr/share/bash-completion/completions/roster-enrich.
# Keep in step with `roster-enrich [COMMAND] --help` (tests/docs/completion_flags.sh checks it).

_roster_enrich_platforms="tiktok instagram youtube x twitter twitch kick facebook reddit linkedin threads snapchat"

# Options (global, or of any command) that take a value in the next word.
_roster_enrich_takes_value() {
    case $1 in
        --base-url | --api-key-file | --progress | --log-format | --rate-limit | \
            --delimiter | --platform-column | --handle-column | --url-column | --platform | \
            -o | --output | --format | --state | --batch-size | --poll-interval | \
            --slow-poll-interval | --slow-after | --max-credits | --deadline | --include | \
            --providers | --provider | --audit-key-file | --audit-base-url | --audit-period | \
            --audit-track | --audit-max-new)
            return 0 ;;
    esac
    return 1
}

# _roster_enrich_files CUR [roster]: file names (and directories to descend into); for a roster,
# CSV-like files first, every file when none matches. Names with spaces stay one word.
_roster_enrich_files() {
    local cur=$1 kind=${2:-}
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    if [[ $kind == roster ]]; then
        COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.[cCtT][sS][vV]' -- "$cur"))
        if ((${#COMPREPLY[@]} == 0)); then
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        [[ -z $cur || $cur == - ]] && COMPREPLY+=(-)
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

_roster_enrich() {
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # `--format=js`: bash splits at `=` (COMP_WORDBREAKS), giving `--format` `=` `js`.
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    # The command name, and how many positional arguments precede the word being completed.
    local command="" positionals=0 i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word == = ]]; then
            continue
        fi
        if _roster_enrich_takes_value "$word"; then
            [[ ${COMP_WORDS[i + 1]:-} == = ]] && ((i++))
            ((i++))
            continue
        fi
        case $word in
            -) ;;  # standard input, a positional
            -*) continue ;;
        esac
        if [[ -z $command ]]; then
            command=$word
        else
            ((positionals++))
        fi
    done

    # The value of an option.
    case $prev in
        --format)
            COMPREPLY=($(compgen -W "csv json jsonl" -- "$cur"))
            return ;;
        --progress)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return ;;
        --log-format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return ;;
        --delimiter)
            COMPREPLY=($(compgen -W "tab , ; |" -- "$cur"))
            return ;;
        --platform)
            COMPREPLY=($(compgen -W "$_roster_enrich_platforms" -- "$cur"))
            return ;;
        --include)
            # A comma-separated list: complete the last item, keep what precedes it.
            local done_part="" last=$cur
            if [[ $cur == *,* ]]; then
                done_part=${cur%,*},
                last=${cur##*,}
            fi
            local field
            for field in narrative velocity risk_flags detailed_analysis; do
                [[ ,$done_part == *,$field,* ]] && continue
                [[ $field == "$last"* ]] && COMPREPLY+=("$done_part$field")
            done
            compopt -o nospace 2>/dev/null
            return ;;
        --base-url)
            COMPREPLY=($(compgen -W "https://creatorscore.io" -- "$cur"))
            return ;;
        --audit-base-url)
            COMPREPLY=($(compgen -W "https://api.creatoraudit.com/v2" -- "$cur"))
            return ;;
        --providers)
            # A comma-separated list, as for --include.
            local done_providers="" last_provider=$cur
            if [[ $cur == *,* ]]; then
                done_providers=${cur%,*},
                last_provider=${cur##*,}
            fi
            local provider
            for provider in creatorscore creatoraudit; do
                [[ ,$done_providers == *,$provider,* ]] && continue
                [[ $provider == "$last_provider"* ]] && COMPREPLY+=("$done_providers$provider")
            done
            compopt -o nospace 2>/dev/null
            return ;;
        --provider)
            COMPREPLY=($(compgen -W "creatorscore creatoraudit" -- "$cur"))
            return ;;
        --audit-period)
            COMPREPLY=($(compgen -W "7d 30d 90d" -- "$cur"))
            return ;;
        --audit-track)
            COMPREPLY=($(compgen -W "new existing" -- "$cur"))
            return ;;
        -o | --output | --state | --api-key-file | --audit-key-file)
            _roster_enrich_files "$cur"
            return ;;
        --rate-limit | --batch-size | --max-credits | --poll-interval | --slow-poll-interval | \
            --slow-after | --deadline | --platform-column | --handle-column | --url-column | --audit-max-new)
            return ;;  # a number, a duration or a column name: nothing to offer
    esac

    local global="--base-url --api-key-file --allow-insecure-http -v --verbose -q --quiet --progress
        --log-format --rate-limit -h --help"
    local roster="--delimiter --platform-column --handle-column --url-column --platform"
    local audit="--audit-key-file --audit-base-url"
    local flags
    case $command in
        "") flags="$global --version" ;;
        run) flags="$global $roster -o --output --format --state --restart --batch-size --poll-interval
            --slow-poll-interval --slow-after --max-credits --deadline --include --no-formula-guard --bom --report
            --providers $audit --audit-period --audit-track --audit-max-new" ;;
        quote) flags="$global $roster --json --providers $audit" ;;
        account) flags="$global --json $audit" ;;
        status) flags="$global --state --json" ;;
        lookup) flags="$global --include --wait --poll-interval --json --provider $audit --audit-period" ;;
        report) flags="$global -o --output --compare --title" ;;
        *) flags="$global" ;;
    esac

    if [[ $cur == -?* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi

    case $command in
        "")
            COMPREPLY=($(compgen -W "run quote account status lookup report" -- "$cur")) ;;
        run | quote)
            ((positionals == 0)) && _roster_enrich_files "$cur" roster ;;
        status)
            ((positionals == 0)) && _roster_enrich_files "$cur" roster ;;
        report)
            ((positionals == 0)) && COMPREPLY=($(compgen -f -- "$cur")) ;;
        lookup)
            ((positionals == 0)) && COMPREPLY=($(compgen -W "$_roster_enrich_platforms" -- "$cur")) ;;
    esac
}

complete -F _roster_enrich roster-enrich
