"""What the browser tests run inside a page (JavaScript), kept apart from the pytest plumbing.

PAGE_REPORT: a lesson or site page's title, headings, figures, errors and reveal.js state.
SLIDE_WALK: visit every slide of a reveal.js deck at the current viewport and report, per slide,
whether everything on it is within the slide (or inside a box that scrolls) and whether the slide
scrolls.
"""

PAGE_REPORT = r"""
async () => {
  const imgs = [...document.querySelectorAll('img')];
  await Promise.all(imgs.map(i => i.decode().catch(() => null)));
  const figs = [...document.querySelectorAll('.jp-RenderedImage img')];
  const errors = [...document.querySelectorAll(
      '.output_error, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]')]
    .filter(e => !e.closest('.celltag_raises-exception'))
    .filter(e => e.classList.contains('output_error')
                 || /Traceback \(most recent/.test(e.textContent))
    .map(e => e.textContent.trim().slice(0, 400));
  const solutions = [...document.querySelectorAll('details')]
    .filter(d => /^\s*Solution/.test((d.querySelector('summary') || {}).textContent || ''));
  return {
    title: document.title,
    h1: [...document.querySelectorAll('h1')].map(h => h.textContent.replace('¶', '').trim()),
    figures: figs.length,
    rendered: figs.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
    without_alt: figs.filter(i => !(i.alt || '').trim()).length,
    broken: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    errors: errors,
    solutions: solutions.length,
    open_solutions: solutions.filter(d => d.open).length,
    reveal: (typeof Reveal !== 'undefined' && Reveal.isReady)
      ? {ready: Reveal.isReady(), slides: Reveal.getTotalSlides()} : null,
  };
}
"""

SLIDE_WALK = r"""
async () => {
  Reveal.configure({transition: 'none', backgroundTransition: 'none'});
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const scrollable = el => {
    const s = getComputedStyle(el);
    return /(auto|scroll)/.test(s.overflowX) || /(auto|scroll)/.test(s.overflowY);
  };
  const label = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
  const results = [];
  const horizontal = Reveal.getHorizontalSlides();
  for (let h = 0; h < horizontal.length; h++) {
    const stack = horizontal[h].querySelectorAll(':scope > section');
    for (let v = 0; v < Math.max(1, stack.length); v++) {
      Reveal.slide(h, v);
      await frame();
      const slide = Reveal.getCurrentSlide();
      if (window.caspianFitSlide) await window.caspianFitSlide(slide);
      await frame();
      const box = slide.getBoundingClientRect();
      const scale = Reveal.getScale();
      const problems = [];
      if (box.left < -1 || box.top < -1 || box.right > innerWidth + 1
          || box.bottom > innerHeight + 1)
        problems.push(`the slide (${Math.round(box.width)}x${Math.round(box.height)} at ` +
                      `${Math.round(box.left)},${Math.round(box.top)}) is not inside the window`);
      const scrolls = slide.scrollHeight > slide.clientHeight + 1;
      if (scrolls && !/(auto|scroll)/.test(getComputedStyle(slide).overflowY))
        problems.push('taller than the window and does not scroll: its bottom is cut off');
      for (const el of slide.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        let inner = false;
        for (let a = el.parentElement; a && a !== slide; a = a.parentElement)
          if (scrollable(a)) { inner = true; break; }
        if (el.tagName === 'IMG' && (r.height > box.height + 1 || r.width > box.width + 1))
          problems.push(`a figure (${Math.round(r.width)}x${Math.round(r.height)}) is larger ` +
                        'than the slide: it cannot be seen whole');
        if (inner) continue;  // reachable by scrolling that box, which is checked itself
        const top = box.top - slide.scrollTop * scale;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < top - 1)
          problems.push(`${label(el)} (${Math.round(r.left)}..${Math.round(r.right)} x ` +
                        `${Math.round(r.top)}..) sticks out of the slide`);
      }
      const heading = slide.querySelector('h1, h2, h3');
      results.push({h, v, scrolls, problems: [...new Set(problems)].slice(0, 8),
                    title: heading ? heading.textContent.replace('¶', '').trim().slice(0, 60) : '',
                    overflow: Math.max(0, Math.round((slide.scrollHeight - slide.clientHeight)))});
    }
  }
  return results;
}
"""
