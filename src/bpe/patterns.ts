/**
 * Named pre-tokenization patterns: the regex that cuts text into pieces before BPE runs inside each piece.
 *
 * `gpt2`, `cl100k` and `o200k` reproduce the Hugging Face `tokenizers` ByteLevel split and tiktoken's
 * cl100k_base / o200k_base splits exactly; `cjk` is our own pattern for mixed Chinese/English text.
 * docs/patterns.md explains every alternative and how the translation was checked.
 *
 * Faithful translation from the Rust engines (tiktoken 1.0.22: fancy-regex 0.11 on regex 1.11; tokenizers
 * 0.23.2: Oniguruma through the onig crate 6.5) to JavaScript needs three things:
 * - `\s` is Unicode White_Space there; JavaScript's `\s` adds U+FEFF and drops U+0085. We spell the set out.
 * - `(?i:'s|...)` uses Unicode simple case folding (`'ſ`, U+017F, matches `'s`); Node 20 has no `(?i:...)`
 *   groups, so each letter becomes a class of its case-fold orbit.
 * - Both engines carry Unicode 16.0 tables, while V8's `\p{...}` follows the ICU of the running Node (Node
 *   20.20 has Unicode 17.0; older Node 20 releases have 15.0). So the classes are built from frozen Unicode
 *   16.0 tables (below) instead of `\p{...}`: the pieces are the references' on every Node version.
 *
 * Every pattern ends with `[^]`, matches at least one code point at every position and so never skips a
 * character (lone surrogates included: under the `u` flag they are single code points).
 */

/** The Unicode version of the frozen tables, the one tiktoken 1.0.22 and tokenizers 0.23.2 were built with. */
export const UNICODE_VERSION = '16.0.0';

/**
 * Unicode 16.0 tables, byte-identical to the ones compiled into tiktoken's wasm (regex-syntax) and into
 * tokenizers' native module (Oniguruma); tests/patterns.test.ts checks that. Encoding: one entry per range,
 * `gap.len` in base 36 (`gap` = start minus previous end minus 1, `.len` = end minus start, omitted when 0).
 */
const UCD16 = {
  L:
    '1t.p,6.p,1b,a,4,5.m,1.u,1.cp,4.b,e.4,7,1,3l.4,1.1,2.3,1,6,1.2,1,1.j,1.2a,1.3u,8.4l,1.11,2,6.14,1z.q,4.3,' +
    '19.16,z.1,1.2q,1,f.1,7.1,a.2,2,g,1.t,t.2g,b,o.w,9.1,4,5.l,4,9,3,n.o,7.a,5.n,1.5,h.15,1m.1h,3,i,7.9,f.f,' +
    '4.7,2.1,2.l,1.6,1,3.3,3,g,d.1,1.2,e.1,a,8.5,4.1,2.l,1.6,1.1,1.1,1.1,v.3,1,j.2,g.8,1.2,1.l,1.6,1.1,1.4,3,' +
    'i,f.1,n,b.7,2.1,2.l,1.6,1.1,1.4,3,u.1,1.2,f,h,1.5,3.2,1.3,3.1,1,1.1,3.1,3.2,3.b,m,1g.7,1.2,1.m,1.f,3,q.2,' +
    '2,2.1,u,4.7,1.2,1.m,1.9,1.4,3,v.1,1.1,f.1,h.8,1.2,1.14,2,g,5.2,8.2,o.5,5.h,3.n,1.8,1,2.6,1m.1b,1.1,c.6,' +
    '1m.1,1,1.4,1.n,1,1.9,1.1,9,2.4,1,l.3,w,1r.7,1.z,r.4,37.16,k,g.5,4.3,3,3.1,7.2,4.c,c,h.11,1,5,2.16,1.98,' +
    '1.3,2.6,1,1.3,2.14,1.3,2.w,1.3,2.6,1,1.3,2.e,1.1k,1.3,2.1u,11.f,g.2d,2.5,3.h7,2.g,1.p,5.22,6.7,7.h,d.i,' +
    'e.h,e.c,1.2,f.1f,z,4,1v.2g,7.4,2.x,1,5.1x,a.u,1d.t,2.4,b.17,4.p,1i.m,9.1g,2a,2l.1a,h.7,1i.t,d.1,a.17,q.z,' +
    '15.2,a.z,2.a,5.16,2.2,15.3,1.5,1.1,3,5.5b,1s.7p,2.5,2.11,2.5,2.7,1,1,1,1.u,2.1g,1.6,1,3.2,1.6,3.3,2.5,' +
    '4.c,5.2,1.6,38,d,g.c,2t,4,2.9,1,3.4,6,1,1,1.3,1.a,2.3,5.4,4,1g.1,22j.6c,6.3,3.1,c.11,1,5,2.1j,7,g.m,9.6,' +
    '1.6,1.6,1.6,1.6,1.6,1.6,1.6,28,d1.1,16.4,5.1,4.2d,6.2,1.2h,1.3,5.16,1.2l,h.v,1c.f,e8.533,1s.h3g,1v.19,' +
    '2.7g,3.f,a.1,k.1a,g.u,2.1x,1d.8,2.2u,2.1u,2.1,1,1.7,l.f,1.2,1.3,1.m,t.1f,e.1d,1q.5,3,1.1,b.r,a.m,p.s,' +
    '7.1a,s,g.4,1.9,a.4,1.14,n.2,1.7,k.m,3,3.1d,1,3.1,2.4,2,1,o.2,2.a,7.2,c.5,2.5,2.5,9.6,1.6,1.16,1.d,6.36,' +
    't.8mb,c.m,4.1c,6is.a5,2.2x,12.6,c.4,5,1.9,1.c,1.4,1,1.1,1.1,1.2z,x.a2,i.1r,2.1h,14.b,38.4,1.3q,10.p,6.p,' +
    'b.2g,3.5,2.5,2.5,2.2,z.b,1.p,1.i,1.1,1.e,2.d,y.3e,at.s,3.1c,1b.v,d.j,1.7,6.11,a.t,2.z,4.7,1c.4d,i.z,4.z,' +
    '4.13,8.1f,c.a,1.e,1.6,1.1,1.a,1.e,1.6,1.1,3.1f,c.8m,9.l,a.7,o.5,1.15,1.8,1x.5,2,1.17,1.1,3,2.m,a.m,9.u,' +
    '1t.i,1.1,a.l,a.p,1y.1j,6.1,1s,f.3,1.2,1.s,16.s,3.s,z.7,1.r,r.1h,a.l,a.i,d.h,32.20,1j.1e,d.1e,d.z,12.r,' +
    '9.m,6y.15,6.1,g.2,1n.s,a,8.l,16.h,1a.k,r.m,c.1g,1l.1,2,d.18,w.o,q.z,t,2,8.y,3,c.1b,e.3,l,1,z.h,1.o,j.1,' +
    '1r.6,1,1.3,1.e,1.9,7.1a,12.7,2.1,2.l,1.6,1.1,1.4,3,i,c.4,u.9,1,2,1.11,1,p,1,18.1g,i.3,k.2,u.1b,k.1,1,' +
    '54.1a,15.3,10.1b,k,1n.16,d,1z.q,11.6,55.17,38.1r,v.7,2,2.7,1.1,1.n,f,1,2m.7,2.12,g,1,s,a.13,7,l,b.19,j,' +
    'i.20,5j.w,v.8,1.10,h,1d.t,34.6,1.1,1.11,l,p.5,1.1,1.v,e,93.i,f,1.c,1.x,3g,27.pl,6e.5f,218.2o,f.tr,h.5,' +
    'p.32y,5.g6,5a1.t,1cy.fs,7.u,h.26,h.t,i.1b,g.3,v.k,5.i,c0.18,5v.1r,3k.22,5,1u.c,1s.1,1,s.4qf,8.yd,15.9,' +
    '6w7.3,1.6,1.1,1.82,f,t.2,2,e.3,8.az,1s4.2y,5.c,3.8,7.9,4me.2c,1.1y,1.1,2,2.1,2.3,1.b,1,1.6,1.1s,1.3,2.7,' +
    '1.6,1.r,1.3,1.4,1,3.6,1.9f,2.o,1.o,1.u,1.o,1.u,1.o,1.u,1.o,1.u,1.o,1.7,1f8.u,6.5,79.1p,42.18,a.6,g,8x.t,' +
    'i.17,dg.r,6c.t,2,dr.6,1.3,1.1,1.e,1.5g,1n.1v,7,xg.3,1.q,1.1,1,2,1.9,1.3,1,1,6,4,1,1,1.2,1.1,1,2,1,1,1,1,' +
    '1.1,1,2.3,1.6,1.3,1.3,1,1.9,1.g,5.2,1.4,1.g,3es.wyn,w.37d,6.65,2.4g1,e.5rk,f.h9,1wi.f1,15u.3t6,5.38f',
  Lu:
    '1t.p,2t.m,1.6,x,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,1,1,1,1,1,1,1,2,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.1,1,1,3.1,1,1.1,1.2,2.3,1.1,1.2,3.1,1.1,1,1,1.1,1,2,1.1,1.2,1,1.1,3,7,2,2,' +
    '2,1,1,1,1,1,1,1,2,1,1,1,1,1,1,1,1,2,2,1.2,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7.1,' +
    '1.1,2,1.3,1,1,1,1,81,1,3,8,6,1.2,1,1.1,1.g,1.8,z,2.2,3,1,1,1,1,1,1,1,1,1,1,1,5,2,1.1,2.1e,1c,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,9,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.1,1,1,1,1,1,1,2,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2.11,289.11,1,5,k2.2d,' +
    '1oz,6.16,2.2,8w,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,9,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,9.7,8.5,a.7,8.7,8.5,b,1,1,1,8.7,20.3,c.3,c.3,c.4,' +
    'b.3,7a,4,3.2,2.2,2,3.4,6,1,1,1.3,2.3,a.1,5,1p,22k.1b,1c,1.2,2,1,1,1.3,1,2,8.2,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,8,1,4,nyl,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,j,1,1,1,1,1,1,1,1,1,1,1,1,1,3r,1,1,1,1,1,1,3,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,a,1,1.1,1,1,1,1,4,1,2,1,3,1,1,1,1,1,1,1,1,1,1.4,1.4,1,1,1,1,1,1,1,1.3,1,1.1,3,5,1,' +
    '1,1,o,h7v.p,xx.13,3s.z,4c.a,1.e,1.6,1.1,1d6.1e,4d.l,27u.v,gw0.v,k2o.p,q.p,q.p,q,1.1,2,2.1,2.3,1.7,q.p,' +
    'q.1,1.3,2.7,1.6,r.1,1.3,1.4,1,3.6,r.p,q.p,q.p,q.p,q.p,q.p,u.o,x.o,x.o,x.o,x.o,x,3ed.x',
  Ll:
    '2p.p,1m,15.n,1.7,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.1,1,1,1,1,1,1,1,1.1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,1,1.2,2,1,2,3.1,4,2,3.2,2,2,1,1,2,1.1,1,2,3,1,2.1,2.2,6,2,2,1,1,1,1,' +
    '1,1,1,1.1,1,1,1,1,1,1,1,1,1.1,2,1,3,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.6,2,2.1,1,' +
    '4,1,1,1,1.1w,1.q,5d,1,3,3.2,i,r.y,1.1,3.2,1,1,1,1,1,1,1,1,1,1,1,1.4,1,2,2.1,1f.1b,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,9,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2,1,1,1,1,1,1.1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1c.14,287.16,2.2,l4.5,1oi.8,1,' +
    '39.17,1r.c,1.x,2u,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.8,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.8,8.5,a.7,8.7,8.5,a.7,8.7,8.d,2.7,8.7,8.7,8.4,' +
    '1.1,6,3.2,1.1,8.3,2.1,8.7,a.2,1.1,7m,3.1,3,r,4,4,2.1,8.3,4,1h,23v.1b,1,3.1,1,1,1,4,1.1,1.5,5,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.1,7,1,4,c.11,1,5,' +
    'nwz,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,j,1,1,1,1,1,1,1,1,1,1,1,1,1,3r,1,1,1,1,1,1.2,1,1,1,1,1,1,' +
    '1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1.7,1,1,2,1,1,1,1,4,1,2,1.2,1,1,1,1,1,1,1,1,1,1,5,5,1,' +
    '1,1,1,1,1,1,4,1,2,3,1,1,1,1,1,q,3,mt.16,5.8,7.27,fnk.6,c.4,tl.p,y5.13,3s.z,4b.a,1.e,1.6,1.1,1dv.1e,3h.l,' +
    '27u.v,gw0.v,k2i.p,q.6,1.h,q.p,q.3,1,1.6,1.a,q.p,q.p,q.p,q.p,q.p,q.p,q.p,q.p,q.r,s.o,1.5,q.o,1.5,q.o,1.5,' +
    'q.o,1.5,q.o,1.5,1,1f8.9,1.j,6.5,1yv.x',
  Lt:
    'cl,2,2,12,5ud.7,8.7,8.7,c,f,1b',
  M:
    'lc.33,7n.6,7b.18,1,1.1,1.1,1,20.a,1c.k,g,2t.6,2.5,2.1,1.3,z,u.q,2j.a,1m.8,9,o.3,1.8,1.2,1.4,17.2,1n.8,' +
    '16.n,1.w,1i.2,1.h,1.6,a.1,t.2,1k,1.6,2.1,2.2,9,a.1,q,2.2,1k,1.4,4.1,2.2,3,u.1,3,b.2,1k,1.7,1.2,1.2,k.1,' +
    'm.5,1.2,1k,1.6,2.1,2.2,7.2,a.1,u,1n.4,3.2,1.3,9,14.4,1j,1.6,1.2,1.3,7.1,b.1,t.2,1k,1.6,1.2,1.3,7.1,b.1,f,' +
    'c.3,1j.1,1.6,1.2,1.3,9,a.1,t.2,1y,4.5,1,1.7,i.1,1p,2.6,c.7,2q,2.8,b.6,21.1,r,1,1,4.1,1d.j,1.1,5.a,1.z,9,' +
    '2s.j,n.3,4.2,1.2,2.6,3.3,d.b,1,a.3,jj.2,qa.3,s.2,t.1,u.1,1s.v,9,19.2,1,39.1,y,3a.b,4.b,63.4,1l.9,1.s,2,' +
    '1c.u,1d.4,1b.g,12.8,c.2,u.c,1k.d,1c.j,48.2,1.k,4,6,2.2,5i.1r,k0.w,2da.2,3x,2o.v,fe.5,2x.1,n9w.3,1.9,w.1,' +
    '28.1,7k,3,4,n.4,4,2b.1,1e.h,q.h,d,12.7,p.c,18.3,1b.d,10,1v.d,c,8.1,19.2,1e,1.2,2.1,5.1,1,15.4,5.1,6k.7,' +
    '1.1,fn4,kh.f,g.f,r1,6a,45.4,1ae.2,1.1,5.3,14.2,4,4l.1,fx.3,1t.4,8t.1,27.3,1y.a,1d.3,3e.2,1h.e,15,2.1,a.3,' +
    '19.a,7,1p.2,10.d,g.1,18,c.2,1c.d,8.3,1.1,2k.b,6,2,4d.b,l.3,1j.1,1.6,2.1,2.2,9,a.1,2.6,3.4,1v.8,1,2,1.3,' +
    '1.4,1,e.1,2a.h,n,29.j,6j.6,2.8,r.1,2a.g,2y.c,2t.e,74.e,6t.5,1.1,2.3,1,1.1,3x.6,2.6,3,s.9,14.6,1.3,8,9.a,' +
    '1a.f,b9.7,1.7,2a.l,1.d,3e.5,3,1.1,1.6,1,1u.4,1.1,1.4,9n.3,9.1,1,1c.6,3.4,n,44l,6.e,8ug.h,1xc.4,1n.6,t4,' +
    '1.1i,7.3,29,b.1,f57.1,3mp.19,2.m,f2.4,3.5,8.7,2.6,u.3,44.2,1iz.1i,4.1d,8,e,m.4,1.e,11s.6,1.g,2.6,1.1,1.4,' +
    '2s,4g.6,af,1p.3,e4.3,72.1,kg.6,31.6,gzhx.6n',
  N:
    '1c.9,3c.1,5,2.2,141.9,3q.9,5i.9,bg.9,3a.9,4.5,30.9,3a.9,3a.9,2.5,32.c,37.9,8.6,2v.9,2w.6,7.i,31.9,2o.9,' +
    '3a.9,1y.j,7g.9,1y.9,jz.j,oh.2,6n.9,6.9,m.9,8c.9,3k.a,4l.9,6.9,52.9,2e.9,3q.9,6.9,t2,3.5,6.9,5i.1e,2.4,' +
    'k6.1n,26.l,hi.t,12h,ll,p.8,e.2,9j.3,3u.9,u.7,1.e,w.9,13.e,msg.9,58.9,8w.5,4a.9,12.9,5i.9,m.9,2e.9,ba.9,' +
    'geu.9,dp.18,c.1k,h.1,9h.q,10.3,t,8,3q.4,5m.9,q6.7,p.6,13.8,23.4,m.5,4g.1,2.f,2.19,1s.8,1g.1,u.2,23.4,' +
    '2w.7,o.7,15.6,96.5,1c.9,6.9,7q.u,4e.9,16.3,34.6,3q.t,3k.9,1o.9,40.9,7.j,6z.9,9i.9,3a.9,ae.9,2u.9,6.j,' +
    '24.b,bo.i,2l.9,ie.9,2e.s,6b.9,1y.9,bq.9,2u.k,tn.32,c01.9,1t2.9,2e.9,3q.9,1.6,em.9,7a.m,imx.9,152.j,c.j,' +
    '30.o,ut.1d,1ts.9,bq.9,dy.9,6v.9,jw.8,3k.9,lz.1m,1.2,1.3,24.18,1.e,qq.c,25f.9',
  Han:
    '96o.p,1.2g,c.5x,1b,1,p.8,e.3,qs.533,1s.g73,hkw.a5,2.2x,n48.1,c.1,sge.wyn,w.37d,6.65,2.4g1,e.5rk,f.h9,' +
    '1wi.f1,15u.3t6,5.38f',
  Hiragana:
    '9j5.2d,6.2,23q9.7y,i,t.2,crx',
  Katakana:
    '9lt.2h,2.2,6o.f,5s.1a,1.2f,14b2.9,1.18,ytu.3,1.6,1.1,1,7z.2,1e,e.3',
} as const;

export type UnicodeTableName = keyof typeof UCD16 | 'White_Space';
export type Ranges = ReadonlyArray<readonly [number, number]>;

/** Unicode White_Space (Rust's and Oniguruma's `\s`). JavaScript's `\s` differs at U+0085 and U+FEFF. */
const WHITE_SPACE: Ranges = [
  [0x09, 0x0d], [0x20, 0x20], [0x85, 0x85], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];

function decodeTable(encoded: string): Ranges {
  const out: Array<[number, number]> = [];
  let prev = -1;
  for (const entry of encoded.split(',')) {
    const dot = entry.indexOf('.');
    const start = prev + 1 + parseInt(dot < 0 ? entry : entry.slice(0, dot), 36);
    const end = start + (dot < 0 ? 0 : parseInt(entry.slice(dot + 1), 36));
    out.push([start, end]);
    prev = end;
  }
  return out;
}

const tableCache = new Map<UnicodeTableName, Ranges>();

/** A frozen Unicode 16.0 table as sorted, disjoint, non-adjacent-merged inclusive ranges. */
export function unicodeTable(name: UnicodeTableName): Ranges {
  let r = tableCache.get(name);
  if (!r) {
    r = name === 'White_Space' ? WHITE_SPACE : decodeTable(UCD16[name]);
    tableCache.set(name, r);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// Range-set algebra, so that set differences need neither the `v` flag nor lookahead.

function normalize(ranges: Array<readonly [number, number]>): Ranges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function union(...sets: Ranges[]): Ranges {
  return normalize(sets.flat());
}

function minus(a: Ranges, b: Ranges): Ranges {
  const out: Array<[number, number]> = [];
  let j = 0;
  for (const [start, end] of a) {
    let s = start;
    while (j < b.length && b[j][1] < s) j++;
    let k = j;
    while (s <= end && k < b.length && b[k][0] <= end) {
      if (b[k][0] > s) out.push([s, b[k][0] - 1]);
      s = Math.max(s, b[k][1] + 1);
      k++;
    }
    if (s <= end) out.push([s, end]);
  }
  return out;
}

function cps(...codePoints: number[]): Ranges {
  return normalize(codePoints.map((c) => [c, c] as const));
}

function inRanges(c: number, r: Ranges): boolean {
  let lo = 0;
  let hi = r.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (c < r[mid][0]) hi = mid - 1;
    else if (c > r[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

let literalOk: Ranges | undefined;

function esc(c: number): string {
  // Letters, marks and digits stay literal: V8 stops optimizing regexes whose source exceeds 20 KiB
  // (kRegExpTooLargeToOptimize), and \u{...} escapes would triple the length. Everything else (ASCII
  // punctuation, controls, spaces, symbols) is escaped, so the source stays printable and valid inside a
  // class under both the `u` and the `v` flag. The choice uses the frozen tables, so the source is the
  // same string on every Node version.
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return String.fromCharCode(c);
  literalOk ??= union(unicodeTable('L'), unicodeTable('M'), unicodeTable('N'));
  if (c > 0x7f && inRanges(c, literalOk)) return String.fromCodePoint(c);
  return c <= 0xffff ? `\\u${c.toString(16).padStart(4, '0')}` : `\\u{${c.toString(16)}}`;
}

/** The body of a character class (without brackets) for the ranges. */
function body(r: Ranges): string {
  let s = '';
  for (const [a, b] of r) s += a === b ? esc(a) : b === a + 1 ? esc(a) + esc(b) : `${esc(a)}-${esc(b)}`;
  return s;
}

const cls = (r: Ranges): string => `[${body(r)}]`;
const notCls = (r: Ranges): string => `[^${body(r)}]`;

// ---------------------------------------------------------------------------------------------------------
// The sets the patterns use.

const L = unicodeTable('L');
const N = unicodeTable('N');
const M = unicodeTable('M');
const WS = WHITE_SPACE;
const CRLF = cps(0x0d, 0x0a);

/** `(?i:x)` for the letters of the contractions: the Unicode simple case-fold orbit of each letter. */
const FOLD: Record<string, string> = { s: '[sS\\u{17f}]', t: '[tT]', r: '[rR]', e: '[eE]', v: '[vV]', m: '[mM]', l: '[lL]', d: '[dD]' };
/** tiktoken's `(?i:'s|'t|'re|'ve|'m|'ll|'d)`. */
const CONTRACTIONS_I =
  `'(?:${FOLD.s}|${FOLD.t}|${FOLD.r}${FOLD.e}|${FOLD.v}${FOLD.e}|${FOLD.m}|${FOLD.l}${FOLD.l}|${FOLD.d})`;

// o200k's case classes: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] = (L - Ll) + M and [\p{Ll}\p{Lm}\p{Lo}\p{M}] = (L - Lu - Lt) + M.
const UPPERISH = union(minus(L, unicodeTable('Ll')), M);
const LOWERISH = union(minus(L, union(unicodeTable('Lu'), unicodeTable('Lt'))), M);

function gpt2Source(): string {
  const s = cls(WS);
  return (
    `'s|'t|'re|'ve|'m|'ll|'d| ?${cls(L)}+| ?${cls(N)}+| ?${notCls(union(WS, L, N))}+` +
    `|${s}+(?!${notCls(WS)})|${s}+|[^]`
  );
}

function cl100kSource(): string {
  const s = cls(WS);
  return (
    `${CONTRACTIONS_I}|${notCls(union(CRLF, L, N))}?${cls(L)}+|${cls(N)}{1,3}` +
    `| ?${notCls(union(WS, L, N))}+[\\r\\n]*|${s}*[\\r\\n]+|${s}+(?!${notCls(WS)})|${s}+|[^]`
  );
}

/**
 * o200k's first two alternatives, `P?U*L+C?|P?U+L*C?` (P = [^\r\n\p{L}\p{N}], U and L its case classes, C
 * the contractions), written as `P'?(?:U*L+|U+L*)C?` with P' = P minus marks, which keeps the source under
 * V8's 20 KiB optimization limit. Same pieces: P and the case classes share only the marks; where P matches a
 * non-mark both orders try "P then U*L+" before "P then U+L*" and nothing else can match; where the first
 * character X is a mark, the P-taken tries succeed exactly when the X-as-letter tries do, with the same end
 * (X leads the same greedy run either way), so only the order "U*L+" before "U+L*" matters, which is kept.
 */
function o200kSource(): string {
  const s = cls(WS);
  return (
    `${notCls(union(CRLF, L, N, M))}?(?:${cls(UPPERISH)}*${cls(LOWERISH)}+|${cls(UPPERISH)}+${cls(LOWERISH)}*)` +
    `(?:${CONTRACTIONS_I})?|${cls(N)}{1,3}` +
    `| ?${notCls(union(WS, L, N))}+[\\r\\n\\/]*|${s}*[\\r\\n]+|${s}+(?!${notCls(WS)})|${s}+|[^]`
  );
}

/** Run-length caps of the `cjk` pattern, in code points (docs/patterns.md explains the values). */
export const CJK_CAPS = { cjkRun: 32, letterPart: 32, punct: 16, newlinesAfterPunct: 4, space: 64 } as const;

/**
 * The `cjk` pattern, in order:
 * 1. Latin and other letters (not Han/kana) with an optional one-character prefix (horizontal space or ASCII
 *    punctuation), split at lower-to-upper case changes as in o200k, with a contraction suffix.
 * 2. Han and kana runs (Japanese okurigana stays with its kanji), optionally after one horizontal space.
 * 3. Digits in groups of at most three; Han-script numerals (〇) stay in Han runs.
 * 4. Punctuation and symbols (CJK and full-width punctuation included, never joined to Han), optionally after
 *    one horizontal space, with up to four following line breaks.
 * 5. Whitespace up to and including the last line break; a horizontal-space run keeps its last character for
 *    the next piece only when that piece can take it (so no lone space is stranded before digits); the rest.
 * No lookahead ever looks past a line break, so a cut after "\n" before non-space is always safe.
 */
function cjkSource(): string {
  const caps = CJK_CAPS;
  const hspace = minus(WS, cps(0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029));
  const asciiPunct = normalize([[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]]);
  const cjk = union(
    unicodeTable('Han'),
    unicodeTable('Hiragana'),
    unicodeTable('Katakana'),
    // Kana-only marks of script Common/Inherited: (semi-)voiced sound marks and the prolonged sound mark,
    // full-width and half-width.
    cps(0x3099, 0x309a, 0x309b, 0x309c, 0x30fc, 0xff70, 0xff9e, 0xff9f),
  );
  const up = cls(minus(UPPERISH, cjk));
  const low = cls(minus(LOWERISH, cjk));
  const digits = minus(N, cjk);
  const punct = notCls(union(WS, L, N, cjk));
  const h = cls(hspace);
  const s = cls(WS);
  const c = caps.letterPart;
  const contraction = `(?:['\\u{2019}](?:[sStTmMdD]|[rR][eE]|[vV][eE]|[lL][lL]))?`;
  return (
    `${cls(union(hspace, asciiPunct))}?(?:${up}{0,${c}}${low}{1,${c}}|${up}{1,${c}}${low}{0,${c}})${contraction}` +
    `|${h}?${cls(cjk)}${cls(union(cjk, M))}{0,${caps.cjkRun - 1}}` +
    `|${cls(digits)}{1,3}` +
    `|${h}?${punct}{1,${caps.punct}}[\\r\\n]{0,${caps.newlinesAfterPunct}}` +
    `|${s}{0,${caps.space - 1}}[\\r\\n]` +
    `|${s}{1,${caps.space - 1}}(?=${h}${notCls(union(WS, digits))})` +
    `|${s}{1,${caps.space}}|[^]`
  );
}

const BUILDERS = { gpt2: gpt2Source, cl100k: cl100kSource, o200k: o200kSource, cjk: cjkSource } as const;

export type PatternName = keyof typeof BUILDERS;
export const PATTERN_NAMES = Object.keys(BUILDERS) as PatternName[];

export function isPatternName(name: string): name is PatternName {
  return Object.hasOwn(BUILDERS, name);
}

/**
 * The upstream spellings of the reference patterns, as given to tiktoken (`pat_str`) and as `tokenizers`'
 * ByteLevel pre-tokenizer compiles them (Rust/Oniguruma dialect, not JavaScript). `cjk` has none: it exists
 * only as `patternSource('cjk')`; docs/patterns.md spells it with `\p{...}` for reading.
 */
export const UPSTREAM_PATTERNS: Readonly<Record<'gpt2' | 'cl100k' | 'o200k', string>> = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  cl100k:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
    "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
    "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

const sourceCache = new Map<PatternName, string>();
const regexCache = new Map<PatternName, RegExp>();

/** The JavaScript regex source of a named pattern (use with flags `gu`). */
export function patternSource(name: PatternName): string {
  let s = sourceCache.get(name);
  if (s === undefined) {
    s = BUILDERS[name]();
    sourceCache.set(name, s);
  }
  return s;
}

/** A fresh global regex for the pattern: callers own its lastIndex. */
export function patternRegExp(name: PatternName): RegExp {
  return new RegExp(patternSource(name), 'gu');
}

function sharedRegExp(name: PatternName): RegExp {
  let re = regexCache.get(name);
  if (!re) {
    re = patternRegExp(name);
    regexCache.set(name, re);
  }
  return re;
}

/** The pieces of `text` under the pattern, in order; they always join back to `text`. */
export function splitPieces(text: string, name: PatternName): string[] {
  // String.prototype.match with a global regex starts at 0 and leaves lastIndex at 0, so sharing is safe.
  return text.match(sharedRegExp(name)) ?? [];
}

/**
 * Calls `onPiece(start, end)` for every piece in order (UTF-16 offsets into `text`, end exclusive), without
 * making strings or match objects: the fast way to walk piece boundaries.
 */
export function forEachPiece(text: string, name: PatternName, onPiece: (start: number, end: number) => void): void {
  const re = sharedRegExp(name);
  const length = text.length;
  let start = 0;
  re.lastIndex = 0;
  try {
    while (start < length) {
      // Every pattern matches at least one code point at every position, so the match starts at `start`.
      if (!re.test(text)) throw new Error(`pattern ${name} matched nothing at ${start}`);
      const end = re.lastIndex;
      onPiece(start, end);
      start = end;
      re.lastIndex = end; // onPiece may have used the shared regex
    }
  } finally {
    re.lastIndex = 0;
  }
}

/** The end offset (UTF-16, exclusive) of every piece, in order; the last one is `text.length`. */
export function pieceEnds(text: string, name: PatternName): Uint32Array {
  let ends = new Uint32Array(Math.max(16, text.length >>> 2));
  let n = 0;
  forEachPiece(text, name, (_start, end) => {
    if (n === ends.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(ends);
      ends = grown;
    }
    ends[n++] = end;
  });
  return ends.slice(0, n);
}

// ---------------------------------------------------------------------------------------------------------

/** Unicode White_Space for one UTF-16 unit: the `\s` of every pattern here (no White_Space is astral). */
export function isWhiteSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}
