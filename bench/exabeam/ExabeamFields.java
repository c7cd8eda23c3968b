// Reference for Exabeam's field extraction, on the JVM's own regex engine: every regex of a
// parser runs (find) over the whole line; each ({field}…) or ({=field}…) capture that took
// part sets its field, later ones overwriting earlier ones. Empty captures set nothing
// (as in uebac). Used by bench/import-exabeam.ts to check imported parsers.
//
// Protocol on stdin, one request per block: a line with the number of regexes N, then N
// lines of base64 regexes, then one line of the base64 log line. One answer line per request:
// `field=base64value` pairs separated by blanks, or `!error` when a regex does not compile.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ExabeamFields {
  private static final Pattern CAPTURE = Pattern.compile("\\(\\{=?([A-Za-z_][A-Za-z0-9_]*)\\}");

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Base64.Decoder dec = Base64.getDecoder();
    Base64.Encoder enc = Base64.getEncoder();
    String head;
    while ((head = in.readLine()) != null) {
      int n = Integer.parseInt(head.trim());
      List<String> regexes = new ArrayList<>();
      for (int i = 0; i < n; i++) regexes.add(new String(dec.decode(in.readLine()), StandardCharsets.UTF_8));
      String line = new String(dec.decode(in.readLine()), StandardCharsets.UTF_8);
      TreeMap<String, String> fields = new TreeMap<>();
      String error = null;
      for (String regex : regexes) {
        // ({field} → a numbered Java group name per capture; remember which field it fills.
        List<String> names = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        Matcher m = CAPTURE.matcher(regex);
        int last = 0;
        while (m.find()) {
          if (isEscaped(regex, m.start())) continue;
          sb.append(regex, last, m.start()).append("(?<g").append(names.size()).append('>');
          names.add(m.group(1));
          last = m.end();
        }
        sb.append(regex.substring(last));
        Pattern p;
        try {
          p = Pattern.compile(sb.toString());
        } catch (Exception e) {
          error = e.getMessage().split("\n")[0];
          continue;
        }
        Matcher lm = p.matcher(line);
        if (!lm.find()) continue;
        for (int g = 0; g < names.size(); g++) {
          String v = lm.group("g" + g);
          if (v != null && !v.isEmpty()) fields.put(names.get(g), v);
        }
      }
      StringBuilder out = new StringBuilder();
      if (error != null) out.append("!error ");
      for (var e : fields.entrySet()) out.append(e.getKey()).append('=').append(enc.encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8))).append(' ');
      System.out.println(out.toString().trim());
      System.out.flush();
    }
  }

  private static boolean isEscaped(String s, int at) {
    int k = 0;
    for (int i = at - 1; i >= 0 && s.charAt(i) == '\\'; i--) k++;
    return k % 2 == 1;
  }
}
