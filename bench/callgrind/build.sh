#!/bin/bash
# build.sh REV DEST: tsc build of the worktree's src at REV (or WORKTREE for the working tree) into DEST
set -e
REPO=$(cd "$(dirname "$0")/../.." && pwd)
REV=$1; DEST=$2
rm -rf $DEST; mkdir -p $DEST/tree
if [ "$REV" = WORKTREE ]; then cp -r $REPO/src $REPO/tsconfig.json $DEST/tree/; else (cd $REPO && git archive $REV src tsconfig.json) | tar -x -C $DEST/tree; fi
ln -s $REPO/node_modules $DEST/tree/node_modules
cd $DEST/tree && $REPO/node_modules/.bin/tsc -p tsconfig.json --outDir $DEST/lib --inlineSourceMap false --inlineSources false --declaration false --noEmitOnError false || true
ln -s $REPO/node_modules $DEST/node_modules
ls $DEST/lib | head -3
