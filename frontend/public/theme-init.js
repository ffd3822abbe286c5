// Applies the remembered (or system) theme before first paint, so the page does not flash.
;(function () {
  try {
    var t = localStorage.getItem('mdnode.theme')
    var dark =
      t === 'dark' || ((!t || t === 'system') && matchMedia('(prefers-color-scheme: dark)').matches)
    document.documentElement.classList.toggle('dark', dark)
  } catch (e) {
    /* storage unavailable: keep the default */
  }
})()
