/* MathJax settings for the book (the Doxyfile's MATHJAX_CODEFILE): a formula wider than its
   column, on a phone, is broken across lines where MathJax can break it; what cannot be
   broken (an aligned block) scrolls sideways in its own box (book.css). */
MathJax.Hub.Config({ SVG: { linebreaks: { automatic: true } } });
