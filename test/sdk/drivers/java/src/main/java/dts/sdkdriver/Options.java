package dts.sdkdriver;

/** The runner's arguments: `--endpoint 127.0.0.1:<port> --taskhub <hub> --variant <plain|azuremanaged>`. */
record Options(String host, int port, String taskHub, String variant) {
    static Options parse(String[] args) {
        String endpoint = null;
        String taskHub = "default";
        String variant = "plain";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--endpoint" -> endpoint = args[i + 1];
                case "--taskhub" -> taskHub = args[i + 1];
                case "--variant" -> variant = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (endpoint == null || endpoint.lastIndexOf(':') < 0) throw new IllegalArgumentException("--endpoint host:port is required");
        if (!variant.equals("plain")) {
            // com.microsoft:durabletask-azuremanaged does not resolve from the Maven registry here.
            throw new IllegalArgumentException("variant " + variant + " is not built into this driver");
        }
        int colon = endpoint.lastIndexOf(':');
        return new Options(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)), taskHub, variant);
    }
}
