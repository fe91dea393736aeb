// The heatmap's keyboard and layout helpers: roving tabindex with arrow keys and type-ahead across the
// matrix, and the splitter that resizes the docked details panel. Reads no report data, builds no text.
(function () {
  'use strict';
  const TYPE_AHEAD_MS = 800;

  /** The matrix as columns of focusable cells, in screen order (top-level cells with their open sub-techniques). */
  function columnsOf(matrix) {
    return [...matrix.querySelectorAll('section.tactic')].map((s) => [...s.querySelectorAll('.cell')]).filter((c) => c.length > 0);
  }

  function positionOf(columns, cell) {
    for (let x = 0; x < columns.length; x++) {
      const y = columns[x].indexOf(cell);
      if (y >= 0) return { x, y };
    }
    return undefined;
  }

  /** The cell a navigation key leads to from (x, y), or undefined for keys that do not move. */
  function target(columns, at, event) {
    const column = columns[at.x];
    const clampY = (x, y) => columns[x][Math.max(0, Math.min(y, columns[x].length - 1))];
    switch (event.key) {
      case 'ArrowDown': return clampY(at.x, at.y + 1);
      case 'ArrowUp': return clampY(at.x, at.y - 1);
      case 'ArrowRight': return at.x + 1 < columns.length ? clampY(at.x + 1, at.y) : undefined;
      case 'ArrowLeft': return at.x > 0 ? clampY(at.x - 1, at.y) : undefined;
      case 'PageDown': return clampY(at.x, at.y + 10);
      case 'PageUp': return clampY(at.x, at.y - 10);
      case 'Home': return event.ctrlKey ? columns[0][0] : column[0];
      case 'End': return event.ctrlKey ? columns[columns.length - 1].at(-1) : column.at(-1);
      default: return undefined;
    }
  }

  /** Moves the single tab stop of the matrix to `cell`. */
  function makeActive(matrix, cell) {
    for (const other of matrix.querySelectorAll('.cell[tabindex="0"]')) if (other !== cell) other.setAttribute('tabindex', '-1');
    cell.setAttribute('tabindex', '0');
  }

  /** After a redraw: exactly one cell keeps tabindex 0 (the active one if still shown, else the first). */
  function keepOneTabStop(matrix, activeKey) {
    const cells = [...matrix.querySelectorAll('.cell')];
    const active = cells.find((c) => c.dataset.key === activeKey) || cells[0];
    for (const cell of cells) cell.setAttribute('tabindex', cell === active ? '0' : '-1');
    return active;
  }

  function installMatrixKeys(matrix, actions) {
    let typed = '';
    let typedAt = 0;
    matrix.addEventListener('keydown', (event) => {
      const cell = event.target.closest && event.target.closest('.cell');
      if (!cell || event.altKey || event.metaKey) return;
      const columns = columnsOf(matrix);
      const at = positionOf(columns, cell);
      const next = at && target(columns, at, event);
      if (next) {
        event.preventDefault();
        makeActive(matrix, next);
        next.focus();
        return;
      }
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        actions.activate(cell);
      } else if (event.key === '+' || event.key === '-') {
        event.preventDefault();
        actions.expand(cell, event.key === '+');
      } else if (event.key.length === 1 && /[\w.]/.test(event.key) && !event.ctrlKey) {
        event.preventDefault();
        typed = event.timeStamp - typedAt > TYPE_AHEAD_MS ? event.key : typed + event.key;
        typedAt = event.timeStamp;
        const found = typeAhead(columns.flat(), cell, typed.toLowerCase());
        if (found) {
          makeActive(matrix, found);
          found.focus();
        }
      }
    });
    matrix.addEventListener('focusin', (event) => {
      const cell = event.target.closest && event.target.closest('.cell');
      if (cell) makeActive(matrix, cell);
    });
  }

  /** The first cell from `current` on (wrapping) whose ID or name starts with `prefix`. */
  function typeAhead(cells, current, prefix) {
    const start = Math.max(0, cells.indexOf(current));
    const ordered = [...cells.slice(start), ...cells.slice(0, start)];
    const starts = (c) => (c.dataset.id || '').toLowerCase().startsWith(prefix) || (c.dataset.name || '').toLowerCase().startsWith(prefix);
    return ordered.find(starts);
  }

  /** A pointer- and keyboard-driven splitter: sets --panel-size on the workspace. */
  function installSplitter(splitter, workspace, isSide) {
    const min = 120;
    const size = () => parseFloat(getComputedStyle(workspace).getPropertyValue('--panel-size')) || 260;
    const maxSize = () => (isSide() ? workspace.clientWidth : workspace.clientHeight) - min;
    const set = (px) => {
      const value = Math.round(Math.max(min, Math.min(px, maxSize())));
      workspace.style.setProperty('--panel-size', `${value}px`);
      splitter.setAttribute('aria-valuenow', String(value));
      splitter.setAttribute('aria-valuemin', String(min));
      splitter.setAttribute('aria-valuemax', String(Math.max(min, maxSize())));
    };
    splitter.addEventListener('pointerdown', (event) => {
      splitter.setPointerCapture(event.pointerId);
      const box = workspace.getBoundingClientRect();
      const move = (e) => set(isSide() ? box.right - e.clientX : box.bottom - e.clientY);
      const stop = () => {
        splitter.removeEventListener('pointermove', move);
        splitter.removeEventListener('pointerup', stop);
      };
      splitter.addEventListener('pointermove', move);
      splitter.addEventListener('pointerup', stop);
    });
    splitter.addEventListener('keydown', (event) => {
      const grow = isSide() ? { ArrowLeft: 24, ArrowRight: -24 } : { ArrowUp: 24, ArrowDown: -24 };
      if (grow[event.key]) {
        event.preventDefault();
        set(size() + grow[event.key]);
      }
    });
    return { refresh: () => set(size()) };
  }

  window.attackCovNav = { installMatrixKeys, installSplitter, keepOneTabStop, makeActive };
})();
