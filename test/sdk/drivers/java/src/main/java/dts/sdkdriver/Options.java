package dts.sdkdriver;

/**
 * The runner's arguments: `--endpoint 127.0.0.1:<port> --taskhub <hub> --variant <plain|azuremanaged>`.
 * Only the port is used: durabletask-client's builders connect to `localhost:<port>` and send no
 * taskhub header (requests go to the server's default hub).
 */
record Options(int port, String variant) {
    static Options parse(String[] args) {
        String endpoint = null;
        String variant = "plain";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--endpoint" -> endpoint = args[i + 1];
                case "--taskhub" -> { }
                case "--variant" -> variant = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (endpoint == null || endpoint.lastIndexOf(':') < 0) throw new IllegalArgumentException("--endpoint host:port is required");
        if (!variant.equals("plain")) {
            // com.microsoft:durabletask-azuremanaged does not resolve from the Maven registry here.
            throw new IllegalArgumentException("variant " + variant + " is not built into this driver");
        }
        return new Options(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)), variant);
    }
}
