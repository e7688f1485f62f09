import { element, escapeXml, stepPath, svgDocument, text } from '../../lib/charts/svg';
import { findOne, parseSvg, pathPoints } from '../helpers/svg';

describe('the SVG helpers', () => {
  test('escape the characters XML gives a meaning', () => {
    expect(escapeXml('a < b & "c" > d')).toBe('a &lt; b &amp; &quot;c&quot; &gt; d');
  });

  test('leave out undefined attributes and round coordinates to a tenth', () => {
    expect(element('line', { x1: 1.26, x2: undefined, stroke: 'red' })).toBe('<line x1="1.3" stroke="red"/>');
  });

  test('put each line of a text in a tspan 1.2 em below the one before', () => {
    expect(text(5, 10, ['00:00', 'Tue 6 Jan'])).toBe('<text x="5" y="10"><tspan x="5">00:00</tspan><tspan x="5" dy="1.2em">Tue 6 Jan</tspan></text>');
  });

  test('draw a step path that holds each value until the next one', () => {
    expect(pathPoints(stepPath([1, 3], (i) => i * 10, (v) => v))).toEqual([[0, 1], [10, 1], [10, 3], [20, 3]]);
  });

  test('make a well-formed document whose title is escaped, drawn and given to screen readers', () => {
    const svg = parseSvg(svgDocument(100, 50, 'jobs < 5 & more', []));
    expect(findOne(svg, (n) => n.tag === 'title').text).toBe('jobs < 5 & more');
    expect(findOne(svg, (n) => n.attributes.class === 'chart-title').text).toBe('jobs < 5 & more');
  });
});
