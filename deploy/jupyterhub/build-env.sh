#!/usr/bin/env bash
# Build the environment the participants' servers run from.
#
# The hub starts each participant's server as that participant's own system user, so the
# Python it runs must be readable by everyone: not a pyenv or conda under /root (mode 700).
# This makes a venv from Debian's /usr/bin/python3 in a prefix every user can read, and
# installs coachkit (this checkout), Voila and JupyterHub's single-user server into it.
#
#   sudo deploy/jupyterhub/build-env.sh                  # -> /opt/coachkit-env
#   sudo COACHKIT_ENV=/srv/env deploy/jupyterhub/build-env.sh [COACHKIT-SOURCE]
#
# Run it again after updating coachkit: it reinstalls coachkit from the source every time
# (even when the version number did not change) and leaves the rest as it is.
set -euo pipefail

prefix=${COACHKIT_ENV:-/opt/coachkit-env}
python=${COACHKIT_PYTHON:-/usr/bin/python3}
source_dir=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
# The single-user server talks to the hub: keep their JupyterHub versions alike.
jupyterhub_spec=${COACHKIT_JUPYTERHUB_SPEC:-jupyterhub>=5}

umask 022  # everything readable (not writable) by the participants
if [ ! -x "$prefix/bin/python" ]; then
    if ! "$python" -m venv "$prefix"; then
        echo "build-env.sh: $python cannot make a venv; on Debian: apt-get install python3-venv" >&2
        exit 1
    fi
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
pip_install() {  # quiet, but never hide an error
    "$prefix/bin/pip" install -q "$@" 2> >(grep -v "is ignored: it is neither a file" >&2)
}
pip_install "$source_dir[workshop]" "voila>=0.5" "$jupyterhub_spec"
pip_install --no-deps --force-reinstall "$source_dir"
# coachkit's Jupyter settings (guided notebooks saved without outputs, Voila and JupyterLab
# settings): in the environment's own config folder, where every server started from it
# reads them without JUPYTER_CONFIG_PATH.
if [ -d "$source_dir/jupyter-config" ]; then
    mkdir -p "$prefix/etc/jupyter"
    cp -r "$source_dir/jupyter-config/." "$prefix/etc/jupyter/"
fi
chmod -R a+rX "$prefix"
"$prefix/bin/python" -c "import coachkit, voila, jupyterhub; print('coachkit', coachkit.__version__, 'jupyterhub', jupyterhub.__version__, 'in', '$prefix')"
